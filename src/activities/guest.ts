/**
 * The seed's Linux caution: data-disk lines in /etc/fstab make instances launched from the image hang at
 * boot. Over TAT these activities find those lines, comment them out (with a backup), put them back, and
 * re-create them with `nofail` on launched instances. The shell lives in guest-scripts/ as real scripts.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityRuntime } from './runtime';
import { codeOf } from './tencent-api';
import { runShell } from './tat';
import { NON_RETRYABLE, RETRYABLE_TENCENT_ERROR, type FstabLine, type FstabScan, type PipelineRef } from './types';
import { pipelineRef } from './waiting';

export type FstabScript = 'scan' | 'fix' | 'restore' | 'apply';

/** Beside this file in a source checkout; a compiled build (lib/activities) reads them from src/. */
const SCRIPTS_DIR = [
  path.join(__dirname, 'guest-scripts'),
  path.join(__dirname, '..', '..', 'src', 'activities', 'guest-scripts'),
].find((dir) => existsSync(dir));
function read(name: string): string {
  if (!SCRIPTS_DIR) throw new Error(`guest scripts not found beside ${__dirname} nor in src/activities/guest-scripts`);
  return readFileSync(path.join(SCRIPTS_DIR, name), 'utf8');
}

/** Token that makes the backup file and the comment marker specific to one run. */
export function runToken(ref: PipelineRef): string {
  return createHash('sha256').update(`${ref.workflowId}/${ref.runId}`).digest('hex').slice(0, 12);
}

const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/** The script TAT runs: variables, the shared classification functions, then the action. */
export function buildFstabScript(action: FstabScript, vars: Record<string, string>): string {
  const header = Object.entries(vars)
    .map(([k, v]) => `${k}=${shellQuote(v)}`)
    .join('\n');
  return `#!/bin/bash\n${header}\n${read('fstab-lib.sh')}\n${read(`fstab-${action}.sh`)}`;
}

/** Parses the scripts' tab-separated report lines. */
export function parseFstabReport(output: string): FstabScan {
  const scan: FstabScan = { dataLines: [], keptLines: 0, fixed: false };
  for (const row of output.split('\n')) {
    const [kind, n, reason, ...rest] = row.split('\t');
    if (kind === 'FIXED') scan.fixed = true;
    else if (kind === 'KEEP') scan.keptLines++;
    else if (kind === 'DATA') scan.dataLines.push({ line: Number(n), reason, text: rest.join('\t') });
  }
  return scan;
}

function offlineFailure(err: unknown, instanceId: string, doing: string): unknown {
  const code = codeOf(err);
  if (code === 'ResourceUnavailable.AgentStatusNotOnline' || code === 'ResourceUnavailable.AgentNotInstalled') {
    return ApplicationFailure.nonRetryable(
      `fstab: the TAT agent of instance ${instanceId} is offline, so /etc/fstab cannot be ${doing}; bring the ` +
        `agent online, or pass fstab: "ignore" if /etc/fstab has no data-disk lines`,
      NON_RETRYABLE.guestAgentOffline,
      { instanceId },
    );
  }
  if (code === 'ResourceUnavailable.InstanceStateNotRunning') {
    return ApplicationFailure.nonRetryable(
      `fstab: instance ${instanceId} is not RUNNING, so /etc/fstab cannot be ${doing} over TAT`,
      NON_RETRYABLE.guestAgentOffline,
      { instanceId },
    );
  }
  return err;
}

export interface GuestRef {
  region: string;
  instanceId: string;
}

export function guestActivities(rt: ActivityRuntime) {
  async function run(action: FstabScript, target: GuestRef, vars: Record<string, string> = {}) {
    const script = buildFstabScript(action, { TOKEN: runToken(pipelineRef()), ...vars });
    return runShell(rt, target.region, target.instanceId, script, `cvm-image-pipeline fstab-${action}`);
  }

  return {
    /** Read-only: the data-disk lines of the source instance's /etc/fstab. */
    async scanFstab(target: GuestRef): Promise<FstabScan> {
      try {
        return parseFstabReport((await run('scan', target)).output);
      } catch (err) {
        throw offlineFailure(err, target.instanceId, 'checked');
      }
    },

    /** Comments out the data-disk lines (after a backup); a repeat finds its own marker and does nothing. */
    async fixFstab(target: GuestRef): Promise<FstabScan> {
      try {
        return parseFstabReport((await run('fix', target)).output);
      } catch (err) {
        throw offlineFailure(err, target.instanceId, 'fixed');
      }
    },

    /** Puts the commented lines back. An offline agent may come back (after a restart): retry. */
    async restoreFstab(target: GuestRef): Promise<{ restored: number }> {
      try {
        const out = (await run('restore', target)).output;
        const row = out.split('\n').find((l) => l.startsWith('RESTORED\t'));
        return { restored: Number(row?.split('\t')[1] ?? 0) };
      } catch (err) {
        const code = codeOf(err);
        if (code?.startsWith('ResourceUnavailable.')) {
          throw ApplicationFailure.retryable(
            `cannot restore /etc/fstab on ${target.instanceId} yet (${code})`,
            RETRYABLE_TENCENT_ERROR,
          );
        }
        throw err;
      }
    },

    /** On a launched instance: the source's data-disk lines, with nofail, and mounted. */
    async applyFstabLines({
      region,
      instanceId,
      lines,
    }: GuestRef & { lines: FstabLine[] }): Promise<{ added: number; mounted: boolean; message?: string }> {
      const b64 = Buffer.from(lines.map((l) => l.text).join('\n'), 'utf8').toString('base64');
      const out = (await run('apply', { region, instanceId }, { LINES_B64: b64 })).output;
      const added = Number(out.match(/^ADDED\t(\d+)/m)?.[1] ?? 0);
      const mount = out.match(/^MOUNTED\t(\w+)(?:\t(.*))?$/m);
      return { added, mounted: mount?.[1] === 'ok', message: mount?.[2] };
    },
  };
}

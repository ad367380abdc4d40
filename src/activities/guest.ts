/**
 * The seed's Linux caution: data-disk lines in /etc/fstab make instances launched from the image hang at
 * boot. Over TAT these activities find those lines, comment them out (with a backup), put them back, and
 * re-create them with `nofail` on launched instances. The shell lives in guest-scripts/ as real scripts.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { instanceActivities } from './instance';
import type { ActivityRuntime } from './runtime';
import { codeOf } from './tencent-api';
import { runShell } from './tat';
import { NON_RETRYABLE, RETRYABLE_TENCENT_ERROR, type FstabLine, type FstabScan, type PipelineRef } from '../contract';
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

/**
 * Parses the scripts' bounded report (fstab-lib.sh): DATA rows (at most 40, redacted), one COUNT row, END.
 * A report without its END line, or one TAT cut short (TaskResult.Dropped, the 24 KB output cap), is refused:
 * the pipeline never decides on a partial answer.
 */
export function parseFstabReport(output: string, dropped = 0): FstabScan {
  const rows = output.split('\n').map((r) => r.replace(/\r$/, ''));
  const refused = rows.find((r) => r.startsWith('REFUSED\t'));
  if (refused) throw guestRefusal(refused.slice('REFUSED\t'.length));
  const count = rows.find((r) => r.startsWith('COUNT\t'));
  if (dropped > 0 || !count || !rows.includes('END')) {
    throw ApplicationFailure.nonRetryable(
      `fstab: the guest's report came back incomplete (${dropped > 0 ? `TAT dropped ${dropped} bytes of output` : 'no END line'}); refusing to decide on a partial /etc/fstab report`,
      NON_RETRYABLE.guestCommandFailed,
    );
  }
  const [, data, kept, fixed] = count.split('\t');
  const scan: FstabScan = { dataLines: [], keptLines: Number(kept), fixed: fixed === '1', dataLineCount: Number(data) };
  for (const row of rows) {
    const [kind, n, reason, ...rest] = row.split('\t');
    if (kind === 'DATA') scan.dataLines.push({ line: Number(n), reason, text: rest.join('\t') });
  }
  return scan;
}

/** The script stopped because it could not be sure (its own bounded message, no fstab content). */
function guestRefusal(reason: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`fstab: ${reason}`, NON_RETRYABLE.guestCommandFailed);
}

/** The single-value rows of restore/apply, after the same completeness checks. */
function reportRows(output: string, dropped: number): Map<string, string[]> {
  const rows = output.split('\n');
  const refused = rows.find((r) => r.startsWith('REFUSED\t'));
  if (refused) throw guestRefusal(refused.slice('REFUSED\t'.length));
  if (dropped > 0 || !rows.includes('END')) {
    throw ApplicationFailure.nonRetryable(
      `fstab: the guest's report came back incomplete; refusing to decide on it`,
      NON_RETRYABLE.guestCommandFailed,
    );
  }
  return new Map(rows.map((r) => r.split('\t')).map(([k, ...v]) => [k, v]));
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
  /**
   * Whose marker to act on: the calling run's by default; another run's for a janitor that restores what
   * a terminated run left (its workflow id and run id, as its tags record them).
   */
  ofRun?: PipelineRef;
}

/** comment: the seed's caution (image without the data disks); nofail: dataDisks "include" (disks travel). */
export type FixMode = 'comment' | 'nofail';

export function guestActivities(rt: ActivityRuntime) {
  const instances = instanceActivities(rt);
  async function run(action: FstabScript, target: GuestRef, vars: Record<string, string> = {}) {
    const script = buildFstabScript(action, { TOKEN: runToken(target.ofRun ?? pipelineRef()), ...vars });
    const res = await runShell(rt, target.region, target.instanceId, script, `cvm-image-pipeline.fstab-${action}`);
    return { output: res.output, dropped: res.dropped };
  }

  return {
    /** Read-only: the data-disk lines of the source instance's /etc/fstab. */
    async scanFstab(target: GuestRef): Promise<FstabScan> {
      try {
        const res = await run('scan', target);
        return parseFstabReport(res.output, res.dropped);
      } catch (err) {
        throw offlineFailure(err, target.instanceId, 'checked');
      }
    },

    /**
     * Comments out the data-disk lines (mode "comment"), or adds nofail to them (mode "nofail", images that
     * include the data disks); a repeat finds its own marker and does nothing.
     */
    async fixFstab(target: GuestRef & { mode?: FixMode }): Promise<FstabScan> {
      try {
        const res = await run('fix', target, { FIX_MODE: target.mode ?? 'comment' });
        return parseFstabReport(res.output, res.dropped);
      } catch (err) {
        throw offlineFailure(err, target.instanceId, 'fixed');
      }
    },

    /**
     * Puts the changed lines back. An offline agent may come back (after a restart): retry. `startIfStopped`:
     * the run stopped this source and restarted it, so a stop landing after the restart (its own late
     * StopInstances) leaves it STOPPED with nobody else to start it, and retrying alone would never end.
     */
    async restoreFstab(target: GuestRef & { startIfStopped?: boolean }): Promise<{ restored: number }> {
      // Also for a janitor: `ofRun` names the run whose marked lines (and old backup) to put back.
      try {
        const res = await run('restore', target);
        return { restored: Number(reportRows(res.output, res.dropped).get('RESTORED')?.[0] ?? 0) };
      } catch (err) {
        const code = codeOf(err);
        if (code?.startsWith('ResourceUnavailable.')) {
          // startInstance acts on STOPPED only (and throws a retryable failure while STOPPING).
          const started = target.startIfStopped && (await instances.startInstance(target)).requested;
          throw ApplicationFailure.retryable(
            `cannot restore /etc/fstab on ${target.instanceId} yet (${code})${started ? '; started it again' : ''}`,
            RETRYABLE_TENCENT_ERROR,
          );
        }
        throw err;
      }
    },

    /**
     * Online imaging (#13 item 3): flushes the guest's page cache to its disks (`sync`) right before the
     * image and data-disk snapshots, which keep only data already written ("Creating Snapshot", Tencent CBS
     * docs, product/362/5755). The result is still only crash-consistent: writes go on after the flush.
     */
    async syncGuest(target: GuestRef): Promise<void> {
      await runShell(rt, target.region, target.instanceId, 'sync', 'cvm-image-pipeline.sync');
    },

    /**
     * On a launched instance: the data-disk lines the image carries commented out (this run's marker) made
     * active again with nofail, and mounted. `lines` is what older workflow code passes; the lines are read
     * from the instance's own /etc/fstab instead, so none travels through the history.
     */
    async applyFstabLines({
      region,
      instanceId,
    }: GuestRef & { lines?: FstabLine[] }): Promise<{ added: number; mounted: boolean; message?: string }> {
      const res = await run('apply', { region, instanceId });
      const rows = reportRows(res.output, res.dropped);
      const mount = rows.get('MOUNTED');
      return { added: Number(rows.get('ADDED')?.[0] ?? 0), mounted: mount?.[0] === 'ok', message: mount?.[1] };
    },
  };
}

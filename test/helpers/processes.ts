/**
 * Runs project entry points as real child processes, for process-level tests: through tsx as `npm run
 * worker`/`npm start` do (spawnTs), or compiled (spawnBuilt: lib/, fresh from the global setup, cli-build.ts)
 * where the test is about what the program does, not how npm starts it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface Spawned {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGKILLs the process and everything it started (its own process group), e.g. a dev server. */
  killGroup(): void;
}

export function spawnTs(script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Spawned {
  // One process (node with tsx's loader), so signals reach the program itself, not a wrapper.
  return spawnIn(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args], env);
}

/**
 * `src/<entry>.ts` compiled (lib/<entry>.js, rebuilt by the global setup whenever a source is newer): one node
 * process without tsx's loader, about 0.6 CPU-s less a start (the worker: 1.6 against 1.0, 2026-12-01).
 */
export function spawnBuilt(script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Spawned {
  const built = script.replace(/^src\/(.*)\.ts$/, 'lib/$1.js');
  if (built === script) throw new Error(`spawnBuilt runs src/**/*.ts entry points compiled, not ${script}`);
  return spawnIn(process.execPath, [path.join(ROOT, built), ...args], env);
}

/** `npm run <script> -- args` as an operator runs it: signals sent to the child's pid reach npm, not the program. */
export function spawnNpm(script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Spawned {
  return spawnIn('npm', ['run', '--silent', script, '--', ...args], env);
}

function spawnIn(command: string, args: string[], env: NodeJS.ProcessEnv): Spawned {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so killGroup() reaches the servers it spawns
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    listeners.forEach((l) => l());
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  function waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (pattern.test(out)) {
          listeners.delete(check);
          clearTimeout(timer);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`timed out waiting for ${pattern} in output:\n${out}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  }
  function killGroup(): void {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return { child, output: () => out, exited, waitFor, killGroup };
}

/** Runs project entry points as real child processes (through tsx), for process-level tests. */
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

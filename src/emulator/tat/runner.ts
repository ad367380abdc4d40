/**
 * Runs a TAT command for real: bash on this machine, cwd and GUEST_ROOT = the instance's file tree, PATH
 * starting with shims (mount, umount, blkid, lsblk, findmnt) that answer from the emulated disks, and a
 * clean environment. Time and output are bounded like TAT's (Timeout seconds; 24 KB of output); the
 * command dies with the emulator (GUARD). What this does not isolate: docs/security.md.
 * The shims ask this process over loopback (guest-endpoint.ts, through bash's /dev/tcp) once start() has
 * run; until then, or with a bash that has no /dev/tcp, they start node on guest-tools.js.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { DiskIdentity } from '../guest/fstab';
import { GuestToolsEndpoint, type RunTool, type ToolContext } from './guest-endpoint';

/**
 * TaskResult.Output: "Base64编码后的命令输出。最大长度24KB" (the base64 of the output, at most 24 KB) and
 * TaskResult.Dropped: "命令最终输出被截断的字节数" (bytes of the final output that were cut), per Tencent's API
 * model (tencentcloud-sdk-nodejs tat/v20201028/tat_models.d.ts). Whether 24 KB bounds the raw or the encoded
 * output is not stated: this keeps 24 KB raw; the pipeline's scripts stay under 18 KB raw either way.
 */
export const MAX_OUTPUT_BYTES = 24 * 1024;
const SHIMS = ['mount', 'umount', 'blkid', 'lsblk', 'findmnt'];
/** The PATH a command gets after the shims; the shims' bash is looked up there too. */
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface RunRequest {
  taskId: string;
  script: string;
  guestRoot: string;
  cwd: string;
  timeoutSec: number;
  disks: (DiskIdentity & { sizeGb: number; usage: string })[];
  /** Told the process group of the command once it runs (kept in the state, for a restart: lost-tasks.ts). */
  onStart?: (pgid: number) => void;
}

export interface RunResult {
  /** STOPPED: killed by the emulator's own shutdown; the task is left RUNNING for the next process (lost-tasks.ts). */
  status: 'SUCCESS' | 'FAILED' | 'TIMEOUT' | 'STOPPED';
  exitCode: number;
  output: Buffer;
  dropped: number;
  start: number;
  end: number;
}

/** In the guard's command line ($0), so a restarted emulator recognises a group as one of its commands. */
export const GUARD_NAME = 'cvm-image-tat-guard';

/**
 * The script runs under a guard that leads its own session and process group (spawned detached) and holds
 * the read end of a pipe whose only write end is the emulator's: when the emulator dies, even by SIGKILL,
 * the kernel closes it, the guard's watcher reads EOF and kills the whole group. No prctl, no native code.
 * $1 is the script; the task id (after it) only labels the command line.
 */
const GUARD = [
  'exec 3<&0 0</dev/null',
  '{ while read -r _ <&3; do :; done; kill -KILL 0; } >/dev/null 2>&1 &',
  'watcher=$!',
  'exec 3<&-',
  'bash "$1"',
  'code=$?',
  'kill "$watcher" 2>/dev/null',
  'exit "$code"',
].join('\n');

export interface RunnerOptions {
  /** false: the shims start node on guest-tools.js, as they do where bash has no /dev/tcp (default true). */
  serveTools?: boolean;
}

export class CommandRunner {
  private readonly binDir: string;
  private readonly workDir: string;
  private readonly running = new Set<ChildProcess>();
  /** The guest roots of this runner's commands: the only ones its endpoint answers for. */
  private readonly guestRoots = new Set<string>();
  private endpoint?: GuestToolsEndpoint;
  private stopping = false;

  constructor(
    dataDir: string,
    private readonly opts: RunnerOptions = {},
  ) {
    this.binDir = join(dataDir, 'bin');
    this.workDir = join(dataDir, 'tat');
    mkdirSync(this.binDir, { recursive: true });
    mkdirSync(this.workDir, { recursive: true });
    const tools = join(this.binDir, 'guest-tools.js');
    const source = toolsDir();
    copyFileSync(join(source, 'guest-tools.js'), tools);
    copyFileSync(join(source, 'guest-lib.js'), join(this.binDir, 'guest-lib.js'));
    for (const name of SHIMS)
      writeShim(join(this.binDir, name), `#!/bin/sh\nexec "${process.execPath}" "${tools}" ${name} "$@"\n`);
  }

  /** Serves the tools in this process and points the shims at it, when bash can reach it (/dev/tcp). */
  async start(): Promise<void> {
    const bash = findOnPath('bash');
    if (this.opts.serveTools === false || !bash || this.endpoint) return;
    const endpoint = new GuestToolsEndpoint(loadRunTool(), (ctx) => this.refusal(ctx));
    await endpoint.listen();
    if (!(await connects(bash, endpoint.port))) return endpoint.close();
    this.endpoint = endpoint;
    for (const name of SHIMS) writeShim(join(this.binDir, name), endpoint.shim(name, bash));
  }

  /** Answers only for its own commands: their guest roots, and disks files in its work dir. */
  private refusal({ guestRoot, disksFile }: ToolContext): string | undefined {
    if (!this.guestRoots.has(resolve(guestRoot || '/'))) return `guest root ${guestRoot} is not one of this emulator's`;
    if (disksFile && dirname(resolve(disksFile)) !== resolve(this.workDir))
      return `disks file ${disksFile} is not the emulator's`;
    return undefined;
  }

  run(req: RunRequest): Promise<RunResult> {
    const scriptFile = join(this.workDir, `${req.taskId}.sh`);
    const disksFile = join(this.workDir, `${req.taskId}.disks.json`);
    writeFileSync(scriptFile, req.script);
    writeFileSync(disksFile, JSON.stringify(req.disks));
    this.guestRoots.add(resolve(req.guestRoot));
    const start = Date.now();
    return new Promise((resolve) => {
      const child = spawn('bash', ['-c', GUARD, GUARD_NAME, scriptFile, req.taskId], {
        cwd: req.cwd,
        detached: true, // own session and process group, so a timeout kills everything the script started
        stdio: ['pipe', 'pipe', 'pipe'], // stdin: the guard's lifeline (never written, closed when we die)
        env: {
          PATH: `${this.binDir}:${SYSTEM_PATH}`,
          HOME: req.guestRoot,
          LANG: 'C.UTF-8',
          GUEST_ROOT: req.guestRoot,
          EMULATOR_DISKS_FILE: disksFile,
        },
      });
      this.running.add(child);
      child.stdin!.on('error', () => undefined); // the guard gone first: nothing to tell it
      if (child.pid) req.onStart?.(child.pid);
      const chunks: Buffer[] = [];
      let kept = 0;
      let dropped = 0;
      const collect = (c: Buffer) => {
        const take = Math.max(0, Math.min(MAX_OUTPUT_BYTES - kept, c.length));
        if (take) chunks.push(c.subarray(0, take));
        kept += take;
        dropped += c.length - take;
      };
      child.stdout!.on('data', collect);
      child.stderr!.on('data', collect);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child);
      }, req.timeoutSec * 1000);
      const finish = (code: number | null) => {
        clearTimeout(timer);
        this.running.delete(child);
        rmSync(scriptFile, { force: true });
        rmSync(disksFile, { force: true });
        const exitCode = code ?? -1;
        const status = this.stopping ? 'STOPPED' : timedOut ? 'TIMEOUT' : exitCode === 0 ? 'SUCCESS' : 'FAILED';
        resolve({ status, exitCode, output: Buffer.concat(chunks), dropped, start, end: Date.now() });
      };
      child.on('error', (err) => {
        collect(Buffer.from(`emulator: cannot run bash: ${err.message}\n`));
        finish(127);
      });
      child.on('close', (code) => finish(code));
    });
  }

  /** Kills every command still running (emulator shutdown). */
  stopAll(): void {
    this.stopping = true;
    for (const child of this.running) killGroup(child);
  }

  /** Emulator shutdown: the commands, then the endpoint (an unclosed one would hold a jest worker's handle). */
  async close(): Promise<void> {
    this.stopAll();
    await this.endpoint?.close();
  }
}

/** Written beside and renamed over, so a command never runs a half-written shim; 0700: it holds the token. */
function writeShim(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o700 });
  chmodSync(tmp, 0o700);
  renameSync(tmp, file);
}

function findOnPath(command: string): string | undefined {
  for (const dir of SYSTEM_PATH.split(':')) {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return join(dir, command);
    } catch {
      // not in this one
    }
  }
  return undefined;
}

/** Whether this bash has /dev/tcp (a build option): one connection, answered by nothing, closed at once. */
function connects(bash: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = spawn(bash, ['-p', '-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`], { stdio: 'ignore', env: {} });
    probe.on('error', () => resolve(false));
    probe.on('close', (code) => resolve(code === 0));
  });
}

/** guest-tools.js is plain CommonJS found at run time (toolsDir), so required rather than imported. */
function loadRunTool(): RunTool {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(join(toolsDir(), 'guest-tools.js')) as { runTool: RunTool }).runTool;
}

/**
 * Where guest-tools.js lives: beside this file when run from source (tsx); from a tsc build in lib/, which
 * does not copy .js files, in the source tree next to it.
 */
function toolsDir(): string {
  const candidates = [__dirname, join(__dirname, '..', '..', '..', 'src', 'emulator', 'tat')];
  const found = candidates.find((dir) => existsSync(join(dir, 'guest-tools.js')));
  if (!found) throw new Error(`guest-tools.js not found (looked in ${candidates.join(', ')})`);
  return found;
}

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/**
 * Serves the guest tool stand-ins (guest-tools.js) from the emulator's own process on a loopback port, so a
 * shim call costs one bash talking through its /dev/tcp (about 3 ms of CPU, where curl costs 10) instead of
 * a node start (40–100 ms): guest scripts call the tools once per fstab line.
 * A request must carry the runner's token; the answer is a shell program of printf's and an `exit` that the
 * shim evaluates only if it starts with the runner's mark, so whatever might listen on the port later is
 * never run. What a TAT script can do with it: docs/security.md.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ToolContext {
  guestRoot: string;
  disksFile: string;
}
export interface ToolAnswer {
  code: number;
  output: { fd: 1 | 2; text: string }[];
}
export type RunTool = (tool: string, args: string[], ctx: ToolContext) => ToolAnswer;
/** Why the runner will not answer for this context, or undefined when it will. */
export type Refusal = (ctx: ToolContext) => string | undefined;

/** Far above any tool call's arguments; a bound so a stray client cannot make the emulator buffer without end. */
const MAX_REQUEST_BYTES = 1 << 20;
/** A shim sends its whole request at once; a connection that sends nothing more for this long is dropped. */
const IDLE_MS = 10_000;

export class GuestToolsEndpoint {
  /** Sent by the shims, so only they (and whoever can read the shim files: the emulator's user) are answered. */
  readonly token = randomBytes(24).toString('hex');
  /** Starts every answer; never sent by a shim, so a process that took over the port cannot forge one. */
  readonly mark = randomBytes(24).toString('hex');
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly runTool: RunTool,
    private readonly refusal: Refusal,
  ) {
    this.server = createServer((socket) => this.serve(socket));
    // Its listening socket alone should not keep a process alive that forgot to close its emulator.
    this.server.unref();
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /**
   * The shim for one tool, run by `bash -p` (no BASH_ENV, no functions or SHELLOPTS from the command's
   * environment). It sends the number of fields, the token, $GUEST_ROOT, $EMULATOR_DISKS_FILE, the tool and
   * its arguments, each ended by a NUL (which no argument can hold), with printf, a builtin: the token never
   * shows in a command line. It reads the answer to EOF (it holds no NUL) and runs it if it carries the mark.
   */
  shim(tool: string, bash: string): string {
    const fail = `printf '%s\\n' "${tool}: the emulator's guest tools did not answer\${r:+: $r}" >&2; exit 126`;
    return [
      `#!${bash} -p`,
      `# ${tool}: answered by the emulator that runs this command (src/emulator/tat/guest-endpoint.ts).`,
      `r=; { exec 3<>/dev/tcp/127.0.0.1/${this.port}; } 2>/dev/null || { ${fail}; }`,
      `printf '%s\\0' $(($# + 4)) '${this.token}' "\${GUEST_ROOT-}" "\${EMULATOR_DISKS_FILE-}" ${tool} "$@" >&3`,
      `IFS= read -r -d '' r <&3`,
      'case $r in',
      `': ${this.mark}'*) eval "$r" ;;`,
      `*) ${fail} ;;`,
      'esac',
      '',
    ].join('\n');
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined); // a shim killed mid-call: nothing to answer
    socket.setTimeout(IDLE_MS, () => socket.destroy());
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    socket.on('data', (c: Buffer) => {
      if (done) return;
      chunks.push(c);
      size += c.length;
      const answer = size > MAX_REQUEST_BYTES ? 'refused: request too large' : this.answer(Buffer.concat(chunks));
      if (answer === undefined) return; // not all of it yet
      done = true;
      socket.end(answer);
    });
  }

  /** The answer to a whole request, or undefined while fields are still missing. */
  private answer(request: Buffer): string | undefined {
    const fields = request.toString('utf8').split('\0');
    if (fields.length < 2) return undefined; // not even the count yet
    const count = /^\d{1,6}$/.test(fields[0]) ? Number(fields[0]) : -1;
    if (count < 4) return 'refused: malformed request';
    if (fields.length < count + 2) return undefined; // each field ends with a NUL: count + 1 of them, then ''
    const [token, guestRoot, disksFile, tool, ...args] = fields.slice(1, count + 1);
    if (!sameSecret(token, this.token)) return 'refused: wrong token';
    const ctx = { guestRoot, disksFile };
    const refused = this.refusal(ctx);
    if (refused) return `refused: ${refused}`;
    return shellProgram(this.mark, this.runTool(tool, args, ctx));
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The answer as a program for the shim's eval: the mark (a no-op `:`), one printf per run of output to the
 * same fd, in order, then the exit code. Every byte but a few plain ones is a 3-digit octal escape inside
 * single quotes, so any output (quotes, `%`, a leading `-`, NULs, invalid UTF-8) comes out byte for byte and
 * nothing in it is ever parsed by the shell.
 */
export function shellProgram(mark: string, answer: ToolAnswer): string {
  const lines = [`: ${mark}`];
  let i = 0;
  while (i < answer.output.length) {
    const fd = answer.output[i].fd;
    let text = '';
    for (; i < answer.output.length && answer.output[i].fd === fd; i++) text += answer.output[i].text;
    lines.push(`printf '${printfFormat(Buffer.from(text, 'utf8'))}'${fd === 2 ? ' >&2' : ''}`);
  }
  lines.push(`exit ${answer.code & 255}`);
  return `${lines.join('\n')}\n`;
}

const PLAIN = /[A-Za-z0-9 ./:=_,+@]/;

export function printfFormat(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && PLAIN.test(c) ? c : b === 0x0a ? '\\n' : `\\${b.toString(8).padStart(3, '0')}`;
  }
  return out;
}

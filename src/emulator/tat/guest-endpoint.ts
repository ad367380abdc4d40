/**
 * Serves the guest tool stand-ins (guest-tools.js) from the emulator's own process on a loopback port, so a
 * shim call costs a sh and a curl (a few ms of CPU) instead of a node start (~40–100 ms): guest scripts call
 * the tools once per fstab line. A request must carry the runner's token; the answer is a shell program of
 * printf's and an `exit` that the shim evaluates only if it starts with the runner's mark, so whatever else
 * might listen on the port later is never run. What a TAT script can do with it: docs/security.md.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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

export class GuestToolsEndpoint {
  /** Sent by the shims, so only they (and whoever can read the shim files: the emulator's user) are answered. */
  readonly token = randomBytes(24).toString('hex');
  /** Starts every answer; never sent by a shim, so a process that took over the port cannot forge one. */
  readonly mark = randomBytes(24).toString('hex');
  private readonly server: Server;
  private port = 0;

  constructor(
    private readonly runTool: RunTool,
    private readonly refusal: Refusal,
  ) {
    this.server = createServer((req, res) => this.handle(req, res));
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

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /**
   * The shim for one tool: sends token, $GUEST_ROOT, $EMULATOR_DISKS_FILE, the tool and its arguments, each
   * ended by a NUL (which no argument can hold), from printf (a builtin: the token never shows in a command
   * line). curl ignores ~/.curlrc (-q; HOME is the guest root) and any proxy the script may have exported.
   */
  shim(tool: string, curl: string): string {
    return [
      '#!/bin/sh',
      `# ${tool}: answered by the emulator that runs this command (src/emulator/tat/guest-endpoint.ts).`,
      `r=$(printf '%s\\000' '${this.token}' "\${GUEST_ROOT-}" "\${EMULATOR_DISKS_FILE-}" ${tool} "$@" |`,
      `  '${curl}' -q -sS --noproxy '*' -H 'Expect:' --data-binary @- '${this.url}')`,
      'case $r in',
      `': ${this.mark}'*) eval "$r" ;;`,
      `*) printf '%s\\n' "${tool}: the emulator's guest tools did not answer\${r:+: $r}" >&2; exit 126 ;;`,
      'esac',
      '',
    ].join('\n');
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      if (req.method !== 'POST') return reply(res, 405, 'refused: POST only');
      if (size > MAX_REQUEST_BYTES) return reply(res, 413, 'refused: request too large');
      const fields = Buffer.concat(chunks).toString('utf8').split('\0');
      if (fields.pop() !== '' || fields.length < 4) return reply(res, 400, 'refused: malformed request');
      const [token, guestRoot, disksFile, tool, ...args] = fields;
      if (!sameSecret(token, this.token)) return reply(res, 403, 'refused: wrong token');
      const ctx = { guestRoot, disksFile };
      const refused = this.refusal(ctx);
      if (refused) return reply(res, 403, `refused: ${refused}`);
      reply(res, 200, shellProgram(this.mark, this.runTool(tool, args, ctx)));
    });
  }
}

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
  res.end(body);
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

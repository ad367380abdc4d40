/**
 * The emulator's guest tool shims (mount, umount, blkid, lsblk, findmnt in TAT commands): served by the
 * emulator's own process over loopback (guest-endpoint.ts) instead of a node start per call, answering byte for
 * byte what the node shims answer, and only to the runner's own commands.
 */
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildFstabScript } from '../../src/activities/guest';
import { printfFormat, shellProgram } from '../../src/emulator/tat/guest-endpoint';
import { CommandRunner, type RunRequest } from '../../src/emulator/tat/runner';

const FSTAB = [
  'LABEL=cloudimg-rootfs / ext4 defaults 0 1',
  'UUID=data-uuid /data ext4 defaults,nofail 0 2',
  "LABEL=it's%s\\n /-odd ext4 defaults 0 0",
  '/dev/vdc /logs ext4 defaults 0 0',
  'UUID=gone /old ext4 defaults 0 0',
  'tmpfs /tmp tmpfs defaults 0 0',
  '',
].join('\n');
const DISKS: RunRequest['disks'] = [
  { device: '/dev/vda', fsUuid: 'root-uuid', fsLabel: 'cloudimg-rootfs', sizeGb: 50, usage: 'SYSTEM_DISK' },
  { device: '/dev/vdb', fsUuid: 'data-uuid', fsLabel: 'data', sizeGb: 10, usage: 'DATA_DISK' },
  { device: '/dev/vdc', fsUuid: '', fsLabel: '', sizeGb: 20, usage: 'DATA_DISK' },
];
/**
 * Every tool, answers on stdout and on stderr (told apart: the runner mixes them), exit codes, odd arguments and
 * the state kept between calls.
 */
const SCRIPT = [
  'blkid; blkid -U data-uuid; blkid -L nope; blkid -o export /dev/vdb; blkid -s UUID -o value -t TYPE=ext4',
  'lsblk; lsblk -f; lsblk -n -o PKNAME,NAME -p /dev/vda1; lsblk /dev/vdq; lsblk -d',
  'findmnt; findmnt -s; findmnt -n -o SOURCE /data; findmnt /nowhere; findmnt --verify',
  'umount /data; umount /data; umount; mount /dev/vdb "/mnt/it\'s %s"; mount "LABEL=it\'s%s\\n" /x',
  'mount -a; mount; mount /old; mount -t ext4 -o ro /dev/vdc /logs; blkid -U " -n"; nosuchtool=1 mount x y z',
]
  .flatMap((line) => line.split('; '))
  .map(
    (call) =>
      `${call} 2>"$GUEST_ROOT/err"; echo "[rc=$?]"; while read -r l; do echo "[stderr] $l"; done <"$GUEST_ROOT/err"`,
  )
  .join('\n');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cvm-guest-tools-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A runner of its own with one guest (the fstab above); `run` returns everything the command printed. */
async function runner(serveTools?: boolean) {
  const dataDir = mkdtempSync(path.join(dir, 'emu-'));
  const r = new CommandRunner(dataDir, { serveTools });
  await r.start();
  const guestRoot = path.join(dataDir, 'instances', 'ins-00000001');
  mkdirSync(path.join(guestRoot, 'etc'), { recursive: true });
  writeFileSync(path.join(guestRoot, 'etc', 'fstab'), FSTAB);
  let n = 0;
  const run = async (script: string) => {
    const res = await r.run({ taskId: `invt-${++n}`, script, guestRoot, cwd: guestRoot, timeoutSec: 60, disks: DISKS });
    return { status: res.status, output: res.output.toString('utf8') };
  };
  const shim = (tool: string) => readFileSync(path.join(dataDir, 'bin', tool), 'utf8');
  return { r, dataDir, guestRoot, run, shim };
}

describe('guest tool shims', () => {
  it('answer from the emulator’s process: no node behind them, the same bytes and exit codes as the node shims', async () => {
    const served = await runner();
    const fallback = await runner(false);
    try {
      for (const tool of ['mount', 'umount', 'blkid', 'lsblk', 'findmnt']) {
        expect(served.shim(tool)).toContain('/dev/tcp/127.0.0.1/');
        expect(served.shim(tool)).not.toMatch(/node|guest-tools\.js/);
        expect(fallback.shim(tool)).toContain('guest-tools.js');
      }
      // Without the scripts node would run, a node shim could not answer at all.
      rmSync(path.join(served.dataDir, 'bin', 'guest-tools.js'));
      rmSync(path.join(served.dataDir, 'bin', 'guest-lib.js'));
      const expected = await fallback.run(SCRIPT);
      expect(expected.output).toContain('/dev/vdb: UUID="data-uuid" TYPE="ext4" LABEL="data"');
      expect(expected.output).toContain("[stderr] mount: /x: special device LABEL=it's%s\\n does not exist.");
      expect(await served.run(SCRIPT)).toEqual(expected);
      // The pipeline's own fstab scan, which calls them per line.
      const scan = buildFstabScript('scan', { TOKEN: 'abc123' });
      expect(await served.run(scan)).toEqual(await fallback.run(scan));
    } finally {
      await Promise.all([served.r.close(), fallback.r.close()]);
    }
  });

  it('an answer comes out byte for byte, whatever it holds', () => {
    const text = `-n ${Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('')} 文字 '%s' \\ "$x" \`id\``;
    const program = shellProgram('mark', {
      code: 300,
      output: [
        { fd: 1, text },
        { fd: 1, text: 'more\n' },
        { fd: 2, text: 'to stderr\n' },
      ],
    });
    expect(program.split('\n').filter((l) => l.startsWith('printf'))).toHaveLength(2); // same fd: one printf
    expect(printfFormat(Buffer.from(text))).toMatch(/^[A-Za-z0-9 ./:=_,+@\\]*$/); // nothing the shell parses
    let stdout: Buffer;
    try {
      execFileSync('sh', ['-c', 'eval "$1" 2>/dev/null', 'sh', program]);
      throw new Error('exit 300 & 255 = 44 expected');
    } catch (err) {
      const e = err as { status: number; stdout: Buffer };
      expect(e.status).toBe(44);
      stdout = e.stdout;
    }
    expect(stdout.equals(Buffer.from(`${text}more\n`))).toBe(true);
  });

  it('the endpoint answers only with the token, and only for the runner’s own guest roots and disks files', async () => {
    const { r, dataDir, guestRoot, run, shim } = await runner();
    try {
      await run('true'); // makes guestRoot one of the runner's
      const text = shim('blkid');
      const port = Number(/\/dev\/tcp\/127\.0\.0\.1\/(\d+)/.exec(text)![1]);
      const token = /\$\(\(\$# \+ 4\)\) '([0-9a-f]+)'/.exec(text)![1];
      const mark = /^': ([0-9a-f]+)'\*\)/m.exec(text)![1];
      const disksFile = path.join(dataDir, 'tat', 'invt-1.disks.json');
      /** A request as a shim sends it (the number of fields, then each ended by a NUL); the whole answer. */
      const send = (request: string) =>
        new Promise<string>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1', () => socket.write(request));
          const chunks: Buffer[] = [];
          socket.on('data', (c: Buffer) => chunks.push(c));
          socket.on('end', () => resolve(Buffer.concat(chunks).toString()));
          socket.on('error', reject);
        });
      const ask = (...fields: string[]) => send([String(fields.length), ...fields].map((f) => `${f}\0`).join(''));
      expect(await ask(token, guestRoot, disksFile, 'blkid', '-U', 'nope')).toBe(`: ${mark}\nexit 2\n`);
      const refused = [
        await ask('', guestRoot, disksFile, 'blkid'),
        await ask(
          token.replace(/^./, (c) => (c === '0' ? '1' : '0')),
          guestRoot,
          disksFile,
          'blkid',
        ),
        await ask(token, dataDir, disksFile, 'blkid'),
        await ask(token, os.tmpdir(), disksFile, 'blkid'),
        await ask(token, path.join(guestRoot, '..', 'ins-00000002'), disksFile, 'blkid'),
        await ask(token, guestRoot, '/etc/passwd', 'blkid'),
        await ask(token, guestRoot, path.join(dataDir, 'bin', 'x'), 'blkid'),
        await ask(token, guestRoot),
        await send(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n\0`),
      ];
      expect(refused.map((x) => x.replace(/ \S*(\/|passwd)\S* /, ' <path> '))).toEqual([
        'refused: wrong token',
        'refused: wrong token',
        "refused: guest root <path> is not one of this emulator's",
        "refused: guest root <path> is not one of this emulator's",
        "refused: guest root <path> is not one of this emulator's",
        "refused: disks file <path> is not the emulator's",
        "refused: disks file <path> is not the emulator's",
        'refused: malformed request',
        'refused: malformed request',
      ]);
      // The same refusal through a shim, from a script that points GUEST_ROOT elsewhere.
      const moved = await run(
        `mkdir -p "$GUEST_ROOT/../elsewhere"; GUEST_ROOT="$GUEST_ROOT/../elsewhere" mount -a; echo "rc=$?"`,
      );
      expect(moved.output).toMatch(
        /^mount: the emulator's guest tools did not answer: refused: guest root .* is not one/,
      );
      expect(moved.output).toContain('rc=126');
      // Closed with the runner: nothing listens any more, and a shim says so rather than answering.
      await r.close();
      await expect(ask(token, guestRoot, disksFile, 'blkid')).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await r.close();
    }
  });
});

/**
 * Who may talk to the emulator (docs/security.md): the admin API wants the per-process token; a browser
 * page (foreign Origin, a text/plain "simple" POST) and DNS rebinding (a foreign Host) are refused on every
 * path; `GET config` shows no secret; a guest path never leads outside the guest tree; a TAT script sees a
 * clean environment, the guest root as its cwd, and runs in a session of its own.
 */
import { request } from 'node:http';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startTestEmulator, waitFor, type TestEmulator } from '../helpers/emulator';

const REGION = 'ap-guangzhou';
const CANARY_KEY = `canary-key-${randomBytes(6).toString('hex')}`;
let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({
    credentials: [{ secretId: 'AKIDaccesstest0000000000000000000', secretKey: CANARY_KEY }],
  });
});
afterAll(() => emu?.close());

/** A raw HTTP call, so Host and Origin can be anything (fetch sets Host itself). */
function call(
  path: string,
  { method = 'GET', headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: emu.port, path, method, headers: { Host: `127.0.0.1:${emu.port}`, ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** This process's (the emulator's) process group, field 5 of /proc/<pid>/stat. */
const ownGroup = () => Number(readFileSync(`/proc/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ')[2]);

const bearer = () => ({ Authorization: `Bearer ${emu.adminToken}` });

describe('the admin API token', () => {
  it('is required on every admin route but health', async () => {
    expect(emu.adminToken).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect((await call('/_emulator/state')).status).toBe(401);
    expect((await call('/_emulator/state', { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await call('/_emulator/reset', { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await call('/_emulator/state', { headers: bearer() })).status).toBe(200);
    expect((await call('/_emulator/health')).status).toBe(200);
  });

  it('is per process: another emulator has another token', async () => {
    const other = await startTestEmulator();
    try {
      expect(other.adminToken).not.toBe(emu.adminToken);
    } finally {
      await other.close();
    }
  });
});

describe('browsers and DNS rebinding', () => {
  it('refuses a cross-origin text/plain POST (a "simple" request: no preflight), even carrying the token', async () => {
    const res = await call('/_emulator/config', {
      method: 'POST',
      headers: { ...bearer(), Origin: 'http://attacker.example', 'Content-Type': 'text/plain' },
      body: JSON.stringify({ credentials: [{ secretId: 'AKIDevil', secretKey: 'evil' }] }),
    });
    expect(res.status).toBe(403);
    expect(res.text).toContain('Origin');
    const cfg = JSON.parse((await call('/_emulator/config', { headers: bearer() })).text) as { credentials: number };
    expect(cfg.credentials).toBe(1);
  });

  it('refuses foreign Origins and cross-site fetches on the cloud API too; the same origin is fine', async () => {
    const api = { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } };
    const foreign = await call('/', { ...api, headers: { ...api.headers, Origin: 'http://attacker.example' } });
    expect(foreign.status).toBe(403);
    const site = await call('/', { ...api, headers: { ...api.headers, 'Sec-Fetch-Site': 'cross-site' } });
    expect(site.status).toBe(403);
    const same = await call('/_emulator/state', { headers: { ...bearer(), Origin: `http://localhost:${emu.port}` } });
    expect(same.status).toBe(200);
  });

  it('answers only to localhost, 127.0.0.1 and [::1] on its own port (DNS rebinding sends another Host)', async () => {
    for (const host of [
      'attacker.example',
      `attacker.example:${emu.port}`,
      `http://attacker.example:${emu.port}`,
      `127.0.0.1:${emu.port + 1}`,
      '127.0.0.1',
    ]) {
      const res = await call('/_emulator/state', { headers: { ...bearer(), Host: host } });
      expect([host, res.status]).toEqual([host, 403]);
    }
    const api = await call('/', { method: 'POST', body: '{}', headers: { Host: `rebind.example:${emu.port}` } });
    expect(api.status).toBe(403);
    // tccli sends the endpoint's scheme in Host.
    for (const host of [
      `localhost:${emu.port}`,
      `127.0.0.1:${emu.port}`,
      `[::1]:${emu.port}`,
      `http://127.0.0.1:${emu.port}`,
    ]) {
      const res = await call('/_emulator/state', { headers: { ...bearer(), Host: host } });
      expect([host, res.status]).toEqual([host, 200]);
    }
  });
});

it('--host beyond loopback warns loudly; listening on all addresses, IP literals pass the Host check, names do not', async () => {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  const wide = await startTestEmulator({ host: '0.0.0.0' });
  try {
    expect(warn.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/WARNING: .* listens on 0\.0\.0\.0[\s\S]*bash/);
    const get = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: wide.port, path: '/_emulator/health', headers: { Host: host } },
          (res) => resolve(res.statusCode ?? 0),
        );
        req.on('error', reject);
        req.end();
      });
    expect(await get(`192.0.2.7:${wide.port}`)).toBe(200);
    expect(await get(`rebind.example:${wide.port}`)).toBe(403);
  } finally {
    warn.mockRestore();
    await wide.close();
  }
});

it('GET config shows how many credentials there are, never a SecretId or SecretKey', async () => {
  const res = await call('/_emulator/config', { headers: bearer() });
  expect(res.status).toBe(200);
  expect(res.text).not.toContain(emu.credential.secretId);
  expect(res.text).not.toContain(CANARY_KEY);
  expect(JSON.parse(res.text)).toMatchObject({ credentials: 1 });
});

describe('guest confinement', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  async function run(instanceId: string, script: string) {
    const tat = emu.clients.tat(REGION);
    const { InvocationId } = await tat.RunCommand({ Content: b64(script), InstanceIds: [instanceId] });
    const filter = { Filters: [{ Name: 'invocation-id', Values: [InvocationId!] }] };
    const task = await waitFor(
      async () => {
        const t = (await tat.DescribeInvocationTasks(filter)).InvocationTaskSet![0];
        return t.TaskStatus !== 'RUNNING' ? t : undefined;
      },
      { what: 'the task to end' },
    );
    return { status: task.TaskStatus, output: Buffer.from(task.TaskResult!.Output!, 'base64').toString() };
  }

  it('a fstab mount point with ../ creates nothing outside the guest root', async () => {
    const name = `escaped-${randomBytes(4).toString('hex')}`;
    const uuid = '0b1c2d3e-1111-4222-8333-944455556666';
    const id = await emu.admin.createInstance({
      dataDisks: [{ sizeGb: 10, fsUuid: uuid }],
      files: { '/etc/fstab': `UUID=${uuid} /../../../../../../../../tmp/${name} ext4 defaults 0 2\n` },
    });
    const r = await run(
      id,
      'umount /dev/vdb; mount -a; echo "mount $?"; findmnt -n -o TARGET "/tmp/' +
        name +
        '"; ls -d "$GUEST_ROOT/tmp/' +
        name +
        '"',
    );
    const outside = [join('/tmp', name)];
    for (let dir = emu.dataDir; dir !== dirname(dir); dir = dirname(dir))
      outside.push(join(dir, name), join(dir, 'tmp', name));
    const escaped = outside.filter((p) => existsSync(p) && !p.startsWith(join(emu.dataDir, 'instances', id)));
    for (const p of escaped) rmSync(p, { recursive: true, force: true });
    expect(escaped).toEqual([]);
    // Inside the guest, `/..` is `/`, as in any Linux root: the disk is mounted at /tmp/<name>.
    expect(r.output).toContain('mount 0');
    expect(r.output).toContain(`/tmp/${name}`);
  });

  it('a TAT script sees none of the emulator’s environment, runs in the guest root, in a session of its own', async () => {
    const id = await emu.admin.createInstance({});
    process.env.CVM_IMAGE_ACCESS_TEST_CANARY = CANARY_KEY; // the emulator's (here: jest's) environment
    try {
      const r = await run(
        id,
        [
          'env | cut -d= -f1 | sort | tr "\\n" " "; echo',
          'echo "cwd=$(pwd)"',
          'echo "root=$GUEST_ROOT"',
          'awk \'{ print "pgid=" $5 " sid=" $6 }\' /proc/$$/stat',
        ].join('\n'),
      );
      expect(r.status).toBe('SUCCESS');
      const [names, cwd, root, ids] = r.output.trim().split('\n');
      expect(
        names
          .trim()
          .split(' ')
          .filter((n) => !['PWD', 'SHLVL', '_', 'OLDPWD'].includes(n)),
      ).toEqual(['EMULATOR_DISKS_FILE', 'GUEST_ROOT', 'HOME', 'LANG', 'PATH']);
      expect(r.output).not.toContain(CANARY_KEY);
      expect(cwd).toBe(`cwd=${root.slice('root='.length)}`);
      expect(root).toBe(`root=${join(emu.dataDir, 'instances', id)}`);
      // A session and process group of its own (the guard leads both): killed as one group, apart from the emulator.
      const [, pgid, sid] = /pgid=(\d+) sid=(\d+)/.exec(ids) ?? [];
      expect(sid).toBe(pgid);
      expect(Number(pgid)).not.toBe(ownGroup());
    } finally {
      delete process.env.CVM_IMAGE_ACCESS_TEST_CANARY;
    }
  });
});

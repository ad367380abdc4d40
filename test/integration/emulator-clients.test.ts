/**
 * Other real clients against the emulator: tccli (Python SDK underneath) and the official Go SDK. They sign
 * their own service names and Host headers, so this proves the TC3 check follows the spec, not the Node SDK.
 * Both are installed into .tools/ (pinned) by `npm test` or on demand here, so a fresh machine needs only python3 and go.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GO_CLIENT_BIN, TCCLI_DIR, buildGoClient, installTccli } from '../../scripts/client-tools';
import { startTestEmulator, waitFor, type TestEmulator } from '../helpers/emulator';

jest.setTimeout(120_000);

const run = promisify(execFile);
let emu: TestEmulator;
let home: string;

beforeAll(async () => {
  await Promise.all([installTccli(), buildGoClient()]);
  emu = await startTestEmulator();
  home = mkdtempSync(join(tmpdir(), 'tccli-home-'));
}, 20 * 60_000);
afterAll(async () => {
  await emu?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});
beforeEach(() => emu.admin.reset());

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function outcome(p: Promise<{ stdout: string; stderr: string }>): Promise<Outcome> {
  try {
    const { stdout, stderr } = await p;
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

const credentialEnv = () => ({
  TENCENTCLOUD_SECRET_ID: emu.credential.secretId,
  TENCENTCLOUD_SECRET_KEY: emu.credential.secretKey,
});

function tccli(args: string[], secretKey = emu.credential.secretKey): Promise<Outcome> {
  return outcome(
    run('python3', [join(TCCLI_DIR, 'bin', 'tccli'), ...args, '--region', 'ap-guangzhou', '--endpoint', emu.url], {
      env: {
        PATH: process.env.PATH,
        HOME: home,
        PYTHONPATH: TCCLI_DIR,
        TENCENTCLOUD_SECRET_ID: emu.credential.secretId,
        TENCENTCLOUD_SECRET_KEY: secretKey,
      },
    }),
  );
}

function goClient(args: string[], secretKey = emu.credential.secretKey): Promise<Outcome> {
  return outcome(
    run(GO_CLIENT_BIN, [emu.url, ...args], {
      env: { TENCENTCLOUD_SECRET_ID: emu.credential.secretId, TENCENTCLOUD_SECRET_KEY: secretKey },
    }),
  );
}

describe('tccli', () => {
  it('lists instances and creates an image that the Node SDK then sees', async () => {
    const id = await emu.admin.createInstance({ state: 'STOPPED', instanceName: 'from-tccli' });
    const list = await tccli([
      'cvm',
      'DescribeInstances',
      '--Filters',
      '[{"Name":"instance-name","Values":["from-tccli"]}]',
    ]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).InstanceSet.map((i: { InstanceId: string }) => i.InstanceId)).toEqual([id]);
    const created = await tccli(['cvm', 'CreateImage', '--InstanceId', id, '--ImageName', 'tccli-image']);
    expect(created.code).toBe(0);
    const imageId = JSON.parse(created.stdout).ImageId as string;
    const seen = await emu.clients.cvm('ap-guangzhou').DescribeImages({ ImageIds: [imageId] });
    expect(seen.ImageSet![0].ImageName).toBe('tccli-image');
  });

  it('runs a TAT command (version 2020-10-28) and reads its output', async () => {
    const id = await emu.admin.createInstance();
    const started = await tccli([
      'tat',
      'RunCommand',
      '--Content',
      Buffer.from('echo from tccli').toString('base64'),
      '--InstanceIds',
      `["${id}"]`,
    ]);
    expect(started.code).toBe(0);
    const invocationId = JSON.parse(started.stdout).InvocationId as string;
    const filter = `[{"Name":"invocation-id","Values":["${invocationId}"]}]`;
    const task = await waitFor(async () => {
      const r = await tccli(['tat', 'DescribeInvocationTasks', '--Filters', filter]);
      const t = JSON.parse(r.stdout).InvocationTaskSet[0];
      return t.TaskStatus === 'SUCCESS' ? t : undefined;
    });
    expect(Buffer.from(task.TaskResult.Output, 'base64').toString()).toBe('from tccli\n');
  });

  it('its Python SDK is accepted with an unsigned payload (X-TC-Content-SHA256)', async () => {
    await emu.admin.createInstance({ instanceName: 'unsigned' });
    const script = [
      'import json, os, sys',
      'from tencentcloud.common import credential',
      'from tencentcloud.common.profile.client_profile import ClientProfile',
      'from tencentcloud.common.profile.http_profile import HttpProfile',
      'from tencentcloud.cvm.v20170312 import cvm_client, models',
      'cp = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=sys.argv[1].split("//")[1]))',
      'cp.unsignedPayload = True',
      'cred = credential.Credential(os.environ["TENCENTCLOUD_SECRET_ID"], os.environ["TENCENTCLOUD_SECRET_KEY"])',
      'r = cvm_client.CvmClient(cred, "ap-guangzhou", cp).DescribeInstances(models.DescribeInstancesRequest())',
      'print(json.dumps([i.InstanceName for i in r.InstanceSet]))',
    ].join('\n');
    const r = await outcome(
      run('python3', ['-c', script, emu.url], {
        env: { PATH: process.env.PATH, PYTHONPATH: TCCLI_DIR, ...credentialEnv() },
      }),
    );
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(['unsigned']);
  });

  it('is refused with a wrong key', async () => {
    const r = await tccli(['cvm', 'DescribeImageQuota'], 'not-the-key');
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('AuthFailure.SignatureFailure');
  });
});

describe('Go SDK', () => {
  it('describes instances, creates an image and describes it', async () => {
    const id = await emu.admin.createInstance({ state: 'STOPPED' });
    const list = await goClient(['describe-instances']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).Response.InstanceSet.map((i: { InstanceId: string }) => i.InstanceId)).toEqual([id]);
    const created = await goClient(['create-image', id, 'go-image']);
    expect(created.code).toBe(0);
    const imageId = JSON.parse(created.stdout).Response.ImageId as string;
    const described = await goClient(['describe-images', imageId]);
    expect(JSON.parse(described.stdout).Response.ImageSet[0]).toMatchObject({
      ImageId: imageId,
      ImageName: 'go-image',
    });
  });

  it('gets the API error code back (duplicate name; wrong key)', async () => {
    const id = await emu.admin.createInstance({ state: 'STOPPED' });
    expect((await goClient(['create-image', id, 'twice'])).code).toBe(0);
    const dup = await goClient(['create-image', id, 'twice']);
    expect(dup.code).toBe(3);
    expect(JSON.parse(dup.stdout).Code).toBe('InvalidImageName.Duplicate');
    const denied = await goClient(['describe-instances'], 'not-the-key');
    expect(JSON.parse(denied.stdout).Code).toBe('AuthFailure.SignatureFailure');
  });
});

/** TC3 signatures, routing and protocol forms, through the real SDK and hand-signed requests. */
import Sign from 'tencentcloud-sdk-nodejs/tencentcloud/common/sign';
import { CvmClient, createTencentClients } from '../../src/cloud/clients';
import { errorCode, startTestEmulator, type TestEmulator } from '../helpers/emulator';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ credentials: [{ secretId: 'AKIDauthtest', secretKey: 'right-key' }] });
});
afterAll(() => emu?.close());

const cvmWith = (secretId: string, secretKey: string) =>
  createTencentClients({ endpoint: emu.url, credential: { secretId, secretKey } }).cvm('ap-guangzhou');

/** A request signed by the SDK's own signer, with control over timestamp, action and version. */
async function signedCall(opts: {
  timestamp?: number;
  action?: string;
  version?: string;
  region?: string;
  body?: object;
}) {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const body = opts.body ?? {};
  const url = `${emu.url}/`;
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-TC-Action': opts.action ?? 'DescribeInstances',
    'X-TC-Version': opts.version ?? '2017-03-12',
    'X-TC-Region': opts.region ?? 'ap-guangzhou',
    'X-TC-Timestamp': String(timestamp),
  };
  headers.Authorization = Sign.sign3({
    method: 'POST',
    url,
    payload: body,
    timestamp,
    service: 'cvm',
    secretId: emu.credential.secretId,
    secretKey: emu.credential.secretKey,
    multipart: false,
    boundary: '',
    headers,
  });
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  return (await res.json()) as { Response: { Error?: { Code: string; Message: string }; RequestId: string } };
}

describe('signature checks', () => {
  it('accepts the configured credential', async () => {
    const r = await cvmWith('AKIDauthtest', 'right-key').DescribeInstances({});
    expect(r.TotalCount).toBe(0);
    expect(r.RequestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a wrong key, an unknown SecretId and a skewed timestamp', async () => {
    expect(await errorCode(cvmWith('AKIDauthtest', 'wrong-key').DescribeInstances({}))).toBe(
      'AuthFailure.SignatureFailure',
    );
    expect(await errorCode(cvmWith('AKIDnobody', 'right-key').DescribeInstances({}))).toBe(
      'AuthFailure.SecretIdNotFound',
    );
    const stale = await signedCall({ timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(stale.Response.Error?.Code).toBe('AuthFailure.SignatureExpire');
    const fresh = await signedCall({});
    expect(fresh.Response.Error).toBeUndefined();
  });

  it('refuses a request without Authorization, naming the problem', async () => {
    const res = await fetch(`${emu.url}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-TC-Action': 'DescribeInstances', 'X-TC-Version': '2017-03-12' },
      body: '{}',
    });
    const json = (await res.json()) as { Response: { Error: { Code: string } } };
    expect(res.status).toBe(200);
    expect(json.Response.Error.Code).toBe('AuthFailure.InvalidAuthorization');
  });

  it('accepts credentials rotated through POST config', async () => {
    await emu.admin.config({ credentials: [{ secretId: 'AKIDrotated', secretKey: 'k2' }] });
    try {
      expect((await cvmWith('AKIDrotated', 'k2').DescribeImageQuota()).ImageNumQuota).toBe(10);
      expect(await errorCode(cvmWith('AKIDauthtest', 'right-key').DescribeImageQuota())).toBe(
        'AuthFailure.SecretIdNotFound',
      );
    } finally {
      await emu.admin.config({ credentials: [{ secretId: 'AKIDauthtest', secretKey: 'right-key' }] });
    }
  });
});

describe('routing', () => {
  it('answers InvalidAction, NoSuchVersion, UnsupportedRegion', async () => {
    expect((await signedCall({ action: 'NoSuchThing' })).Response.Error?.Code).toBe('InvalidAction');
    expect((await signedCall({ version: '1999-01-01' })).Response.Error?.Code).toBe('NoSuchVersion');
    expect((await signedCall({ region: 'mars-1' })).Response.Error?.Code).toBe('UnsupportedRegion');
    // CBS and CVM share a version: a CBS action is found under it, a TAT one is not.
    expect((await signedCall({ action: 'DescribeDisks' })).Response.Error).toBeUndefined();
    expect((await signedCall({ action: 'RunCommand' })).Response.Error?.Code).toBe('InvalidAction');
  });

  it('serves the SDK in GET mode (flattened query parameters)', async () => {
    const id = await emu.admin.createInstance({ instanceName: 'get-mode' });
    const client = new CvmClient({
      credential: emu.credential,
      region: 'ap-guangzhou',
      profile: { httpProfile: { endpoint: new URL(emu.url).host, protocol: 'http://', reqMethod: 'GET' } },
    });
    const r = await client.DescribeInstances({ Filters: [{ Name: 'instance-name', Values: ['get-mode'] }], Limit: 5 });
    expect(r.InstanceSet?.map((i) => i.InstanceId)).toEqual([id]);
  });
});

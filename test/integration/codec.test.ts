/**
 * Payload privacy end to end: a worker process and the client library with CVM_IMAGE_CODEC_KEY store
 * every payload encrypted (the history holds no readable input, result, query or activity data); the
 * client and the CLI with the key read them; without it nothing is readable; and `cvm-image codec-server`
 * decodes them for the Temporal UI, which shows the decoded input in a real browser.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { chromium } from 'playwright-core';
import { createPipelineClient, type PipelineClient } from '../../src/client';
import { FAILURE_CONVERTER_PATH } from '../../src/codec/env';
import type { DevServer } from '../../src/devserver/dev-server';
import { freePort } from '../../src/devserver/ports';
import type { CreateCustomImageResult } from '../../src/contract';
import { startChaosEnv, type ChaosEnv } from '../chaos/environment';
import { FAST_DURATIONS } from '../helpers/emulator';
import { onlineInstanceWithDataDisk, REGION } from '../helpers/pipeline';
import { spawnBuilt, type Spawned } from '../helpers/processes';
import { runCli } from '../helpers/stack';
import { uniqueTaskQueue } from '../helpers/temporal';
import { startTestServer } from '../helpers/test-server';

jest.setTimeout(180_000);

const KEY = randomBytes(32).toString('base64');
const CODEC_ENV = { CVM_IMAGE_CODEC_KEY: KEY, CVM_IMAGE_CODEC_KEY_ID: 'codec-test' };
const SECRET_NAME = 'codec-private-name';

let uiOrigin: string;
let codecServer: Spawned;
let codecUrl: string;
let server: DevServer;
let env: ChaosEnv;
let pipelines: PipelineClient;
let workflowId: string;
let result: CreateCustomImageResult;
let plain: Client;
let refusedId: string;
let refusal: Error;
let bundleDir: string;

beforeAll(async () => {
  uiOrigin = `http://localhost:${await freePort()}`;
  codecServer = spawnBuilt('src/cli/main.ts', ['codec-server', '--port', '0', '--ui-origin', uiOrigin], CODEC_ENV);
  await codecServer.waitFor(/codec server listening on (http:\S+)/, 90_000);
  codecUrl = /listening on (http:\S+)/.exec(codecServer.output())![1];
  server = await startTestServer({ ui: true, uiPort: Number(uiOrigin.split(':').pop()), uiCodecEndpoint: codecUrl });
  // With the codec on, the workflow code carries the failure converter that encodes messages (the worker
  // refuses a prebuilt bundle without it), so this file bundles its own.
  bundleDir = mkdtempSync(path.join(os.tmpdir(), 'cvm-codec-bundle-'));
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: { trace: () => {}, debug: () => {}, info: () => {}, warn: () => {}, error: console.error, log: () => {} },
  });
  writeFileSync(path.join(bundleDir, 'bundle.js'), bundle.code);
  env = await startChaosEnv({
    workflowBundlePath: path.join(bundleDir, 'bundle.js'),
    address: server.address,
    taskQueue: uniqueTaskQueue('codec'),
    durations: FAST_DURATIONS,
    pollIntervalMs: 100,
    workerEnv: CODEC_ENV,
  });
  // The client library reads the key from the environment, as the worker does.
  Object.assign(process.env, CODEC_ENV);
  pipelines = await createPipelineClient({ address: server.address, taskQueue: env.taskQueue });
  const instanceId = await env.emu.admin.createInstance(onlineInstanceWithDataDisk());
  ({ workflowId } = await pipelines.start({ region: REGION, instanceId, imageName: SECRET_NAME }));
  result = await pipelines.result(workflowId);
  // A run that fails: fstab "check" refuses the data-disk line, naming it in its failure message.
  const other = await env.emu.admin.createInstance(onlineInstanceWithDataDisk());
  ({ workflowId: refusedId } = await pipelines.start({
    region: REGION,
    instanceId: other,
    imageName: 'codec-refused',
    fstab: 'check',
  }));
  refusal = await pipelines.result(refusedId).then(
    () => new Error('expected a refusal'),
    (err: Error) => err,
  );
  plain = new Client({ connection: await Connection.connect({ address: server.address }) });
});

afterAll(async () => {
  await plain?.connection.close();
  await pipelines?.close();
  await env?.close();
  await server?.stop();
  codecServer?.child.kill('SIGTERM');
  await codecServer?.exited;
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
});

type JsonPayload = { metadata: Record<string, string>; data: string };

/** Every payload object in a history (anything with metadata + data), as proto JSON. */
function payloadsIn(value: unknown, out: JsonPayload[] = []): JsonPayload[] {
  if (Array.isArray(value)) value.forEach((v) => payloadsIn(v, out));
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (o.metadata && typeof o.metadata === 'object' && o.data instanceof Uint8Array) {
      out.push({
        metadata: Object.fromEntries(
          Object.entries(o.metadata as Record<string, Uint8Array>).map(([k, v]) => [
            k,
            Buffer.from(v).toString('base64'),
          ]),
        ),
        data: Buffer.from(o.data).toString('base64'),
      });
    } else Object.values(o).forEach((v) => payloadsIn(v, out));
  }
  return out;
}

const encodingOf = (p: JsonPayload) => Buffer.from(p.metadata.encoding ?? '', 'base64').toString('utf8');
const b64text = (s: string) => Buffer.from(s, 'base64').toString('utf8');

async function rawHistory(handle: WorkflowHandle) {
  return (await handle.fetchHistory()).events!;
}

describe('the payload codec (CVM_IMAGE_CODEC_KEY)', () => {
  it('stores every payload of the run encrypted: no input, result, query or activity data is readable', async () => {
    const events = await rawHistory(plain.workflow.getHandle(workflowId));
    // Search attributes are for the server to index: they stay plain (and hold no image name).
    const searchable = new Set(
      payloadsIn(
        events.map((e) => [
          e.workflowExecutionStartedEventAttributes?.searchAttributes,
          e.upsertWorkflowSearchAttributesEventAttributes,
        ]),
      ).map((p) => p.data),
    );
    // Marker bookkeeping the SDK core writes itself, outside the codec: a patched() marker's id and a local
    // activity marker's type and times (its result is a payload and is encrypted). Named, so nothing else hides.
    const sdkMarkers = new Set(
      events
        .flatMap((e) => Object.entries(e.markerRecordedEventAttributes?.details ?? {}))
        .filter(([name]) => name === 'patch-data' || name === 'data')
        .flatMap(([, v]) => payloadsIn(v).map((p) => p.data)),
    );
    const payloads = payloadsIn(events).filter((p) => !searchable.has(p.data) && !sdkMarkers.has(p.data));
    expect(payloads.length).toBeGreaterThan(20);
    expect(payloads.filter((p) => encodingOf(p) !== 'binary/encrypted').map((p) => b64text(p.data))).toEqual([]);
    const everything = payloads.map((p) => b64text(p.data)).join('\n');
    expect(everything).not.toContain(SECRET_NAME);
    // The image id is a search attribute by design (pipelines are listed by it), and only there.
    expect(everything).not.toContain(result.imageId);
  });

  it('encrypts failure messages too: no failure in a failed run’s history carries its message in plain text', async () => {
    const events = await rawHistory(plain.workflow.getHandle(refusedId));
    const failures: { message?: string | null; stackTrace?: string | null; encodedAttributes?: unknown }[] = [];
    const collect = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if ('message' in o && ('applicationFailureInfo' in o || 'activityFailureInfo' in o || 'cause' in o))
          failures.push(o as (typeof failures)[number]);
        Object.values(o).forEach(collect);
      }
    };
    collect(events);
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) {
      expect(f.message).toBe('Encoded failure');
      expect(f.stackTrace ?? '').toBe('');
      expect(f.encodedAttributes).toBeTruthy();
    }
    const everything = JSON.stringify(events, (_k, v: unknown) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v,
    );
    expect(everything).not.toContain('mounts data disks');
    expect(everything).not.toContain('6f1b2c3d');
    // The client with the key reads the message back.
    expect(refusal.cause?.toString() ?? refusal.message).toMatch(/mounts data disks|FstabDataDiskLines/);
  });

  it('the client with the key reads results and queries; a client without it cannot', async () => {
    expect(result.imageId).toMatch(/^img-/);
    expect((await pipelines.progress(workflowId)).stage).toBe('completed');
    await expect(plain.workflow.getHandle(workflowId).result()).rejects.toThrow(/binary\/encrypted/);
  });

  it('the CLI with the key shows the run; without it, nothing readable', async () => {
    const base = { TEMPORAL_ADDRESS: server.address, CVM_IMAGE_TASK_QUEUE: env.taskQueue };
    const withKey = await runCli(['status', workflowId], { ...base, ...CODEC_ENV });
    expect(withKey.code).toBe(0);
    expect(withKey.stdout).toContain(`Image ${result.imageId} is ready`);
    expect(withKey.stdout).toContain(result.snapshotIds[0]);
    const without = await runCli(['status', workflowId], {
      ...base,
      CVM_IMAGE_CODEC_KEY: '',
      CVM_IMAGE_CODEC_KEY_ID: '',
    });
    const shown = `${without.stdout}${without.stderr}`;
    expect(without.code).not.toBe(0);
    expect(shown).toContain('Unknown encoding: binary/encrypted');
    expect(shown).not.toContain(result.snapshotIds[0]); // only search attributes (region, instance, image id) show
  });
});

describe('cvm-image codec-server', () => {
  const post = (path: string, body: unknown, origin = uiOrigin) =>
    fetch(`${codecUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', Origin: origin },
      body: JSON.stringify(body),
    });

  it('decodes the run’s stored input for the UI', async () => {
    const events = await rawHistory(plain.workflow.getHandle(workflowId));
    const input = payloadsIn(events[0].workflowExecutionStartedEventAttributes!.input);
    const res = await post('/decode', { payloads: input });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    const [decoded] = ((await res.json()) as { payloads: JsonPayload[] }).payloads;
    expect(encodingOf(decoded)).toBe('json/plain');
    expect(JSON.parse(b64text(decoded.data))).toMatchObject({ imageName: SECRET_NAME });
  });

  it('encodes, and decodes what it encoded', async () => {
    const payload = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: btoa('"hello"') };
    const encoded = ((await (await post('/encode', { payloads: [payload] })).json()) as { payloads: JsonPayload[] })
      .payloads;
    expect(encodingOf(encoded[0])).toBe('binary/encrypted');
    const decoded = ((await (await post('/decode', { payloads: encoded })).json()) as { payloads: JsonPayload[] })
      .payloads;
    expect(decoded).toEqual([payload]);
  });

  it('answers the UI’s CORS preflight, and refuses other origins', async () => {
    const preflight = await fetch(`${codecUrl}/decode`, {
      method: 'OPTIONS',
      headers: {
        Origin: uiOrigin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-namespace',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/X-Namespace/i);
    const events = await rawHistory(plain.workflow.getHandle(workflowId));
    const input = payloadsIn(events[0].workflowExecutionStartedEventAttributes!.input);
    const evil = await post('/decode', { payloads: input }, 'http://evil.example');
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    expect(await evil.text()).not.toContain(SECRET_NAME);
  });

  it('refuses to start without a key, saying so', async () => {
    const run = await runCli(['codec-server', '--port', '0'], { CVM_IMAGE_CODEC_KEY: '' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('CVM_IMAGE_CODEC_KEY is not set');
  });

  const CHROMIUM = '/usr/bin/chromium';
  it('lets the Temporal UI show the decoded input in a browser', async () => {
    // A missing browser fails the test (`npm test` installs Debian's chromium: `npm run tools`); never a silent skip.
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: run \`npx tsx scripts/ensure-tools.ts\` as root`);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
    try {
      const page = await browser.newPage();
      await page.goto(`${uiOrigin}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`, {
        waitUntil: 'load',
      });
      // The history holds no readable copy of the name (see above): the UI can only show it through the codec.
      await page.getByText(SECRET_NAME).first().waitFor({ timeout: 60_000 });
      expect(await page.innerText('main')).toContain(result.imageId!);
    } finally {
      await browser.close();
    }
  });
});

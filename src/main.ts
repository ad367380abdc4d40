/**
 * `npm start`: the main job on the embedded default — a Temporal dev server with its Web UI (unless
 * TEMPORAL_ADDRESS is set), the Tencent Cloud emulator with demo instances (unless TENCENTCLOUD_ENDPOINT
 * is set), and the worker. `npm start -- --demo` also runs one pipeline end to end and streams it.
 * This is the demo: it loads the emulator only when it embeds one; the worker it runs never does.
 */
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createPipelineClient } from './client';
import { watchPipeline } from './cli/watch';
import { startDevServer, type DevServer } from './devserver/dev-server';
import { assertPortsFree } from './devserver/ports';
import { resolveTemporalCli } from './devserver/temporal-cli';
import { taskQueueFromEnv } from './temporal/connection';
import { createWorker, installRuntime } from './worker';
import { pipelineWorkflowId, type CreateCustomImageInput } from './contract';

interface StartFlags {
  demo?: boolean;
  speed: number;
  temporalPort: number;
  uiPort: number;
  emulatorPort: number;
  dbFilename?: string;
}

interface DemoInstance {
  instanceId: string;
  instanceName: string;
  region: string;
}

const number = (v: string) => {
  const n = Number(v);
  if (!(n >= 0)) throw new InvalidArgumentError('must be a number ≥ 0');
  return n;
};

async function demoInstances(emulatorUrl: string, adminToken: string): Promise<DemoInstance[]> {
  const res = await fetch(`${emulatorUrl}/_emulator/state`, { headers: { Authorization: `Bearer ${adminToken}` } });
  const state = (await res.json()) as { instances: { id: string; instanceName: string; region: string }[] };
  return state.instances.map((i) => ({ instanceId: i.id, instanceName: i.instanceName, region: i.region }));
}

/** How to call the Temporal CLI the project resolved, relative to the project when it is ours. */
function temporalCommand(): string {
  const file = resolveTemporalCli().path;
  if (!file) return 'temporal';
  return path.relative(process.cwd(), file).startsWith('..') ? file : path.relative(process.cwd(), file);
}

function nextSteps(instances: DemoInstance[], uiUrl: string | undefined, taskQueue: string, address: string): string {
  const target = instances.find((i) => i.instanceName.includes('online')) ?? instances[0];
  if (!target) return '';
  const input: CreateCustomImageInput = {
    region: target.region,
    instanceId: target.instanceId,
    imageName: 'golden-web-v1',
  };
  const other = instances.find((i) => i !== target) ?? target;
  const lines = [
    '',
    'Demo instances (emulator): ' + instances.map((i) => `${i.instanceId} (${i.instanceName})`).join(', '),
    '',
    // The address in every line: these must reach this server, not whatever holds the default port.
    'Try next, in another terminal:',
    `  ${temporalCommand()} workflow start --address ${address} --type createCustomImage --task-queue ${taskQueue} \\`,
    `    --workflow-id ${pipelineWorkflowId(input.region, input.instanceId)} --input '${JSON.stringify(input)}'`,
    `  npx cvm-image create --address ${address} --region ${other.region} --instance-id ${other.instanceId} \\`,
    `    --image-name golden-${other.instanceName} --watch`,
  ];
  if (uiUrl) lines.push(`  open ${uiUrl}/namespaces/default/workflows`);
  return lines.join('\n');
}

async function runDemo(
  address: string,
  taskQueue: string,
  instances: DemoInstance[],
  signal: AbortSignal,
): Promise<void> {
  const target = instances.find((i) => i.instanceName.includes('online')) ?? instances[0];
  if (!target) throw new Error('no demo instance to image');
  const client = await createPipelineClient({ address, taskQueue });
  try {
    const input: CreateCustomImageInput = {
      region: target.region,
      instanceId: target.instanceId,
      imageName: `demo-${Date.now()}`,
      launch: { count: 1, keep: false },
    };
    const { workflowId } = await client.start(input, {
      workflowId: `${pipelineWorkflowId(input.region, input.instanceId)}/demo-${Date.now()}`,
    });
    console.log(`\nDemo pipeline ${workflowId}:`);
    const outcome = await watchPipeline(client, workflowId, { signal });
    if (!outcome) console.log(`Stopped following ${workflowId}; it resumes when a worker runs again.`);
    else if (outcome.ok) console.log(JSON.stringify(outcome.result, null, 2));
    else console.error('Demo pipeline failed:', outcome.error);
  } finally {
    await client.close();
  }
}

interface Stopper {
  signal: AbortSignal;
  worker?: Worker;
}

/**
 * SIGINT, SIGTERM and SIGHUP all stop everything (the SDK runtime alone handles only the first two, and only
 * once a worker runs). `npm start` runs this under npm, which forwards SIGINT/SIGTERM but dies on SIGHUP:
 * when the parent process is gone, this one stops too, so nothing is left holding the ports.
 */
function stopOnSignals(): Stopper {
  const controller = new AbortController();
  const stopper: Stopper = { signal: controller.signal };
  const stop = (why: string) => {
    if (controller.signal.aborted) return;
    console.log(`${why}: stopping the worker, emulator and dev server…`);
    controller.abort();
    if (stopper.worker?.getState() === 'RUNNING') stopper.worker.shutdown();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
  const parent = process.ppid;
  const watch = setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      stop(`parent process ${parent} is gone`);
    }
  }, 1000);
  watch.unref();
  return stopper;
}

export async function main(argv = process.argv): Promise<void> {
  const flags = new Command('npm start')
    .description('Temporal dev server + Web UI, Tencent Cloud emulator with demo instances, and the worker')
    .option('--demo', 'also run one pipeline end to end and stream its progress')
    .option('--speed <n>', 'emulator speed-up of realistic durations (20: an image in ~30 s)', number, 20)
    .option('--temporal-port <port>', 'dev server gRPC port', number, 7233)
    .option('--ui-port <port>', 'dev server Web UI port', number, 8233)
    .option('--emulator-port <port>', 'emulator port', number, 9100)
    .option('--db-filename <file>', 'keep the dev server state in this SQLite file')
    .parse(argv)
    .opts<StartFlags>();

  process.env.CVM_IMAGE_LOG_LEVEL ??= 'WARN'; // this process prints its own progress lines
  installRuntime();
  const stop = stopOnSignals();
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch((err) => console.error('shutdown:', err));
  };
  try {
    let server: DevServer | undefined;
    await assertPortsFree([
      ...(process.env.TEMPORAL_ADDRESS
        ? []
        : [
            { port: flags.temporalPort, what: 'the Temporal dev server (gRPC)', flag: '--temporal-port' },
            { port: flags.uiPort, what: 'the Temporal Web UI', flag: '--ui-port' },
          ]),
      ...(process.env.TENCENTCLOUD_ENDPOINT
        ? []
        : [{ port: flags.emulatorPort, what: 'the Tencent Cloud emulator', flag: '--emulator-port' }]),
    ]);
    if (!process.env.TEMPORAL_ADDRESS) {
      server = await startDevServer({ port: flags.temporalPort, uiPort: flags.uiPort, dbFilename: flags.dbFilename });
      cleanups.push(() => server!.stop());
      process.env.TEMPORAL_ADDRESS = server.address;
      console.log(`Temporal dev server on ${server.address}, Web UI at ${server.uiUrl}`);
    }
    let emulator: { url: string; adminToken: string; close(): Promise<void> } | undefined;
    if (!process.env.TENCENTCLOUD_ENDPOINT) {
      const { adminTokenLine, DEFAULT_CREDENTIALS, startEmulator } = await import('./emulator');
      const started = await startEmulator({ port: flags.emulatorPort, speed: flags.speed, seed: 'demo', quiet: true });
      emulator = started;
      cleanups.push(() => started.close());
      process.env.TENCENTCLOUD_ENDPOINT = started.url;
      process.env.TENCENTCLOUD_SECRET_ID ??= DEFAULT_CREDENTIALS.secretId;
      process.env.TENCENTCLOUD_SECRET_KEY ??= DEFAULT_CREDENTIALS.secretKey;
      console.log(`Tencent Cloud emulator at ${started.url} (speed ×${flags.speed}, demo instances in ap-guangzhou)`);
      console.log(adminTokenLine(started));
    }
    const address = process.env.TEMPORAL_ADDRESS;
    const taskQueue = taskQueueFromEnv();
    const connection = await NativeConnection.connect({ address });
    cleanups.push(() => connection.close());
    // As `npm run worker` (worker.ts): a prebuilt bundle skips bundling the workflow code at start.
    const codePath = process.env.CVM_IMAGE_WORKFLOW_BUNDLE;
    const worker = await createWorker({ connection, taskQueue, ...(codePath ? { workflowBundle: { codePath } } : {}) });
    if (stop.signal.aborted) return;
    stop.worker = worker;
    console.log(`Worker polling task queue ${taskQueue}. Ctrl-C (or SIGTERM, SIGHUP) stops everything.`);
    const instances = emulator ? await demoInstances(emulator.url, emulator.adminToken) : [];
    console.log(nextSteps(instances, server?.uiUrl, taskQueue, address));
    const running = worker.run(); // resolves after shutdown(): a stop signal, or the parent gone
    if (flags.demo) await runDemo(address, taskQueue, instances, stop.signal);
    await running;
  } finally {
    await cleanup();
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error('npm start:', err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}

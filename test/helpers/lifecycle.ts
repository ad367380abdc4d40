/**
 * Helpers for the lifecycle tests: images made the real way (a createCustomImage run), images made by
 * someone else (CreateImage through the SDK, no pipeline tags), a pipeline held running on its image,
 * and the lifecycle workflows started on the bench's task queue.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { FixtureInstance } from '../../src/emulator/cvm/fixtures';
import type { CreateCustomImageInput, CreateCustomImageResult } from '../../src/contract';
import { FAST_DURATIONS, waitFor } from './emulator';
import { progressWhen, REGION, type PipelineBench, type PipelineHandle } from './pipeline';

export interface BakedImage {
  imageId: string;
  workflowId: string;
  result: CreateCustomImageResult;
}

/** Runs a real pipeline on a fresh instance and returns the image it made. */
export async function bakeImage(
  bench: PipelineBench,
  over: Partial<CreateCustomImageInput> = {},
  instance: FixtureInstance = {},
): Promise<BakedImage> {
  const instanceId = await bench.emu.admin.createInstance({ region: REGION, ...instance });
  const handle = await bench.start({
    region: REGION,
    instanceId,
    imageName: `img-${randomUUID().slice(0, 8)}`,
    ...over,
  });
  const result = await handle.result();
  return { imageId: result.imageId!, workflowId: handle.workflowId, result };
}

/** An image made outside this project: CreateImage straight through the SDK, without pipeline tags. */
export async function foreignImage(bench: PipelineBench, imageName: string, imageFamily?: string): Promise<string> {
  const instanceId = await bench.emu.admin.createInstance({ region: REGION });
  const { ImageId } = await bench.emu.clients
    .cvm(REGION)
    .CreateImage({ InstanceId: instanceId, ImageName: imageName, ImageFamily: imageFamily });
  await imageState(bench, ImageId!, 'NORMAL');
  return ImageId!;
}

export async function imageState(bench: PipelineBench, imageId: string, state: string): Promise<void> {
  await waitFor(async () => (await bench.emu.admin.state()).images.find((i) => i.id === imageId)?.state === state, {
    what: `image ${imageId} ${state}`,
  });
}

export async function share(bench: PipelineBench, imageId: string, accountId = '200000000001'): Promise<void> {
  await bench.emu.clients
    .cvm(REGION)
    .ModifyImageSharePermission({ ImageId: imageId, AccountIds: [accountId], Permission: 'SHARE' });
}

/**
 * A pipeline that has made its image (NORMAL, recorded as CvmImageId) and keeps running: its data-disk
 * snapshot takes a minute. Terminate it when done.
 */
export async function holdPipelineOnImage(
  bench: PipelineBench,
  over: Partial<CreateCustomImageInput> = {},
): Promise<{ handle: PipelineHandle; imageId: string }> {
  // Held until the test terminates it: a shorter snapshot could finish first on a loaded machine (the run
  // would complete and its image stop being spared, as happened with 60 s).
  await bench.emu.admin.config({ durations: { snapshotCreateMs: 30 * 60_000 } });
  try {
    const instanceId = await bench.emu.admin.createInstance({ region: REGION, dataDisks: [{ sizeGb: 10 }] });
    const handle = await bench.start({
      region: REGION,
      instanceId,
      imageName: `held-${randomUUID().slice(0, 8)}`,
      ...over,
    });
    const p = await progressWhen(
      handle,
      (p) => p.stage === 'snapshotting-data-disks' && p.snapshotIds.length > 0,
      'the pipeline to wait on its data-disk snapshot',
    );
    return { handle, imageId: p.imageId! };
  } finally {
    await bench.emu.admin.config({ durations: { snapshotCreateMs: FAST_DURATIONS.snapshotCreateMs } });
  }
}

/** Starts a lifecycle workflow on the bench's worker. */
export async function startLifecycle<R>(
  bench: PipelineBench,
  workflowType: string,
  input: object,
  workflowId = `test-${workflowType}/${randomUUID()}`,
): Promise<WorkflowHandle<(input: object) => Promise<R>>> {
  const handle = await bench.client.workflow.start(workflowType, {
    taskQueue: bench.taskQueue,
    workflowId,
    args: [input],
  });
  return handle as unknown as WorkflowHandle<(input: object) => Promise<R>>;
}

/** The activity types a workflow ran, in order, with the attempt each completed on. */
export async function activityAttempts(handle: WorkflowHandle): Promise<{ type: string; attempt: number }[]> {
  const history = await handle.fetchHistory();
  const scheduled = new Map<string, string>();
  const out: { type: string; attempt: number }[] = [];
  for (const e of history.events ?? []) {
    if (e.activityTaskScheduledEventAttributes) {
      scheduled.set(String(e.eventId), e.activityTaskScheduledEventAttributes.activityType?.name ?? '?');
    }
    const started = e.activityTaskStartedEventAttributes;
    if (started)
      out.push({ type: scheduled.get(String(started.scheduledEventId)) ?? '?', attempt: started.attempt ?? 0 });
  }
  return out;
}

/**
 * Step 7, CreateImage: the undo (delete the image with its bound snapshots) is registered before the call,
 * and the call is tagged with the run so a retry adopts the image an earlier attempt made instead of
 * making a second one. The dry run states the same image through `imageRequest`.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { NON_RETRYABLE, type DataDiskMode } from '../contract';
import { calls, run, undo, within } from './activity-proxies';
import { imageCallPriority } from './call-priority';
import type { PipelineRun } from './run-context';
import type { PipelineInput } from './validation';

/** The image as the input names it: what the real call and the dry run both send. */
export function imageRequest(input: PipelineInput) {
  return {
    region: input.region,
    instanceId: input.instanceId,
    imageName: input.imageName,
    imageDescription: input.imageDescription,
    imageFamily: input.imageFamily,
    tags: input.tags,
  };
}

/** Returns the id of the new image, or of the one an earlier attempt of this run made. */
export async function createImage(
  { input, instance, tracker, saga, warn }: PipelineRun,
  dataDisks: DataDiskMode,
  restart: boolean,
): Promise<string> {
  tracker.enter('creating-image', `CreateImage "${input.imageName}" from ${input.instanceId}`);
  const made: { imageId?: string } = {}; // learned after the undo step is registered
  saga.add({
    name: 'delete image (with its bound snapshots)',
    removesImage: true,
    resources: () => (made.imageId ? [made.imageId] : [`image "${input.imageName}"`]),
    run: () =>
      run(
        undo.deleteImage,
        `Undo: delete image ${made.imageId ?? input.imageName}`,
        [{ region: input.region, imageName: input.imageName, imageId: made.imageId }],
        within(input.timeoutsMs.image),
      ).then(() => undefined),
  });
  const snapshots = dataDisks === 'snapshot' && instance.dataDisks.length > 0;
  const created = await run(
    calls.createImage,
    `CreateImage "${input.imageName}" from ${input.instanceId}`,
    [
      {
        ...imageRequest(input),
        dataDiskIds: dataDisks === 'include' ? instance.dataDisks.map((d) => d.diskId) : undefined,
      },
    ],
    {
      // Longest cloud work after the image first through the CreateImage limit (only an order; docs/bench.md).
      priority: imageCallPriority({
        restart,
        snapshots,
        launch: Boolean(input.launch),
        terminate: Boolean(input.launch && !input.launch.keep),
      }),
    },
  );
  if (created.dryRun)
    throw ApplicationFailure.nonRetryable(
      `CreateImage "${input.imageName}" answered as a dry run; no image was made`,
      NON_RETRYABLE.imageCreateFailed,
    );
  made.imageId = created.imageId;
  tracker.setImage(created.imageId);
  if (created.adopted) warn(`adopted image ${created.imageId} made by an earlier attempt of this run`);
  return created.imageId;
}

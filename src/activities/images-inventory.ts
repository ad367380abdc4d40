/**
 * Reading a region's custom images for lifecycle decisions: who made each one (the pipeline's tags),
 * whom it is shared with, what snapshots it costs, and which images running pipelines are using.
 * Nothing here changes the cloud.
 */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Image } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cvm/v20170312/cvm_models';
import type { Snapshot } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cbs/v20170312/cbs_models';
import {
  CvmImageId,
  CvmPipelineStage,
  WORKFLOW_TYPE,
  type ImageSnapshot,
  type ImageUse,
  type InventoryImage,
  TAG_RUN_ID,
  TAG_WORKFLOW_ID,
} from '../contract';
import { sharedAccounts } from './distribution';
import { describeImages, listPrivateImages } from './image';
import { describeSnapshots } from './snapshot';
import type { ActivityRuntime } from './runtime';
import { codeOf } from './tencent-api';

const PAGE = 100;
const OWN_TAG_PREFIX = 'cvm-image-pipeline:';

/** Where the lifecycle activities get a Temporal client: injected by the worker, else the activity's own. */
export type TemporalClientSource = () => Client;

export const activityClient: TemporalClientSource = () => Context.current().client;

function tagValue(image: Image, key: string): string | undefined {
  return image.Tags?.find((t) => t.Key === key)?.Value;
}

/** Data-disk snapshots made by pipeline runs (tagged with the run id), by run id. */
async function runSnapshots(rt: ActivityRuntime, region: string): Promise<Map<string, Snapshot[]>> {
  const byRun = new Map<string, Snapshot[]>();
  for (let offset = 0; ; offset += PAGE) {
    // DescribeSnapshots documents no tag filter (its Filters, tccli cbs api.json): every own snapshot is
    // listed and the run tag read from each one's Tags.
    const res = await describeSnapshots(rt.api, region, {
      Filters: [{ Name: 'snapshot-type', Values: ['PRIVATE_SNAPSHOT'] }],
      Limit: PAGE,
      Offset: offset,
    });
    const page = res.SnapshotSet ?? [];
    for (const s of page) {
      const runId = s.Tags?.find((t) => t.Key === TAG_RUN_ID)?.Value;
      // A snapshot bound to an image is counted with that image already.
      if (!runId || !s.SnapshotId || s.ImageCount) continue;
      byRun.set(runId, [...(byRun.get(runId) ?? []), s]);
    }
    if (page.length < PAGE || offset + page.length >= (res.TotalCount ?? 0)) return byRun;
  }
}

async function sharedWith(rt: ActivityRuntime, region: string, image: Image): Promise<string[]> {
  // Only a NORMAL custom image can be shared.
  if (image.ImageType !== 'PRIVATE_IMAGE' || image.ImageState !== 'NORMAL') return [];
  return sharedAccounts(rt.api, region, image.ImageId!);
}

function toInventory(image: Image, shared: string[], dataSnapshots: Snapshot[]): InventoryImage {
  const workflowId = tagValue(image, TAG_WORKFLOW_ID);
  const bound: ImageSnapshot[] = (image.SnapshotSet ?? [])
    .filter((s) => s.SnapshotId)
    .map((s) => ({ snapshotId: s.SnapshotId!, sizeGb: s.DiskSize ?? 0, kind: 'bound' }));
  const data: ImageSnapshot[] = dataSnapshots.map((s) => ({
    snapshotId: s.SnapshotId!,
    sizeGb: s.DiskSize ?? 0,
    kind: 'data-disk',
  }));
  return {
    imageId: image.ImageId!,
    imageName: image.ImageName ?? '',
    imageFamily: image.ImageFamily || undefined,
    imageType: image.ImageType ?? 'UNKNOWN',
    state: image.ImageState ?? 'UNKNOWN',
    createdTime: image.CreatedTime ?? '',
    madeBy: workflowId ? { workflowId, runId: tagValue(image, TAG_RUN_ID) } : undefined,
    tags: Object.fromEntries(
      (image.Tags ?? []).filter((t) => t.Key && !t.Key.startsWith(OWN_TAG_PREFIX)).map((t) => [t.Key!, t.Value ?? '']),
    ),
    sharedWith: shared,
    snapshots: [...bound, ...data],
  };
}

export function inventoryActivities(rt: ActivityRuntime, temporal: TemporalClientSource) {
  async function describe(region: string, images: Image[]): Promise<InventoryImage[]> {
    const byRun = images.some((i) => tagValue(i, TAG_RUN_ID)) ? await runSnapshots(rt, region) : new Map();
    return Promise.all(
      images.map(async (i) => {
        const runId = tagValue(i, TAG_RUN_ID);
        return toInventory(i, await sharedWith(rt, region, i), (runId && byRun.get(runId)) || []);
      }),
    );
  }

  return {
    /** Every custom image of the region, with maker, sharing and snapshots. */
    async listImageInventory({ region }: { region: string }): Promise<InventoryImage[]> {
      return describe(region, await listPrivateImages(rt, region));
    },

    /** One image, or undefined when it does not exist (already deleted). */
    async inspectImage({ region, imageId }: { region: string; imageId: string }): Promise<InventoryImage | undefined> {
      let found: Image | undefined;
      try {
        const res = await describeImages(rt.api, region, { ImageIds: [imageId] });
        found = res.ImageSet?.find((i) => i.ImageId === imageId);
      } catch (err) {
        if (codeOf(err) !== 'InvalidImageId.NotFound') throw err;
      }
      return found && (await describe(region, [found]))[0];
    },

    /**
     * The images running createCustomImage pipelines of the region are working on: a visibility query on
     * their search attributes. Every running pipeline is returned (with its run id, which the pipeline's
     * image is tagged with), so an image whose CvmImageId is not recorded yet is still recognised.
     */
    async findImagesInUse({ region }: { region: string }): Promise<ImageUse[]> {
      const literal = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
      const query =
        `WorkflowType = ${literal(WORKFLOW_TYPE)} AND ExecutionStatus = 'Running' ` +
        `AND CvmRegion = ${literal(region)}`;
      const uses: ImageUse[] = [];
      for await (const wf of temporal().workflow.list({ query })) {
        uses.push({
          workflowId: wf.workflowId,
          runId: wf.runId,
          imageId: wf.typedSearchAttributes.get(CvmImageId),
          stage: wf.typedSearchAttributes.get(CvmPipelineStage),
        });
      }
      return uses;
    },
  };
}

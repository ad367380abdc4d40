/**
 * Distributing a finished image, the one module that sends the copy and share actions (SyncImages,
 * ModifyImageSharePermission, DescribeImageSharePermission): copies to other regions and sharing with
 * other accounts, and undoing both. SyncImages has no ClientToken: a retry first looks
 * for the copies an earlier attempt made, adopting only copies provably this run's own, so it never
 * copies twice and never claims someone else's copy.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Image } from 'tencentcloud-sdk-nodejs/tencentcloud/services/cvm/v20170312/cvm_models';
import { deleteImageWithBoundSnapshots, describeImages } from './image';
import { hasTag, type ActivityRuntime } from './runtime';
import { codeOf, type TencentApi } from './tencent-api';
import { NON_RETRYABLE, RETRYABLE_TENCENT_ERROR, TAG_RUN_ID } from '../contract';
import { pipelineRef, visibilityWindow, waitForAll } from './waiting';

export interface ImageCopy {
  region: string;
  imageId: string;
}

export interface CopyArgs {
  /** The source image's region and id. */
  region: string;
  imageId: string;
  imageName: string;
  destinationRegions: string[];
}

/** What a copyImage attempt heartbeats, so a retry knows which namesakes were there before it. */
interface CopyDetails {
  namesakes: Record<string, string[]>;
  synced?: ImageCopy[];
}

const SHARE_BATCH = 10;
const ALREADY_SHARED = 'FailedOperation.AccountAlreadyExists';
/** Tencent's CreatedTime has second precision and its clock is not ours: how far apart they may be. */
const CLOCK_MARGIN_MS = 5 * 60_000;

/** ModifyImageSharePermission for one batch of accounts (the only place it is sent). */
async function modifySharing(
  rt: ActivityRuntime,
  region: string,
  imageId: string,
  accounts: string[],
  permission: 'SHARE' | 'CANCEL',
): Promise<void> {
  await rt.api.cvm(region, 'ModifyImageSharePermission', (c) =>
    c.ModifyImageSharePermission({ ImageId: imageId, AccountIds: accounts, Permission: permission }),
  );
}

/** The accounts a custom image is shared with (Tencent refuses to delete a shared image). */
export async function sharedAccounts(api: TencentApi, region: string, imageId: string): Promise<string[]> {
  const res = await api.cvm(region, 'DescribeImageSharePermission', (c) =>
    c.DescribeImageSharePermission({ ImageId: imageId }),
  );
  return (res.SharePermissionSet ?? []).map((p) => p.AccountId!).filter(Boolean);
}

export function distributionActivities(rt: ActivityRuntime) {
  async function namesakes(region: string, imageName: string): Promise<Image[]> {
    const res = await describeImages(rt.api, region, {
      Filters: [{ Name: 'image-name', Values: [imageName] }],
      Limit: 100,
    });
    return (res.ImageSet ?? []).filter((i) => i.ImageName === imageName && i.ImageType === 'PRIVATE_IMAGE');
  }

  /**
   * This run's copy in a region, when SyncImages' answer was lost. SyncImages copies are not documented
   * to carry the source's tags nor to name their source (ImageSource lists OFFICIAL, CREATE_IMAGE,
   * EXTERNAL_IMPORT only: cvm_models.d.ts `Image.ImageSource`), so a copy is ours only if it carries our
   * run tag, or it is a namesake that was not there before this run's first attempt (by the ids heartbeated
   * then, and by its CreatedTime). Never a leftover copy of someone else's image with the same name (#13 item 4).
   */
  async function ownCopy(
    region: string,
    imageName: string,
    runId: string,
    fresh?: { since: number; before: string[] },
  ): Promise<Image | undefined> {
    const named = await namesakes(region, imageName);
    const tagged = named.find((i) => hasTag(i.Tags, TAG_RUN_ID, runId));
    if (tagged || !fresh) return tagged;
    const candidates = named.filter(
      (i) =>
        !fresh.before.includes(i.ImageId ?? '') && Date.parse(i.CreatedTime ?? '') >= fresh.since - CLOCK_MARGIN_MS,
    );
    // Two candidates: one is not ours and we cannot tell which; adopting neither makes a new copy.
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  return {
    /**
     * SyncImages to every destination that has no copy from this run yet. The ids SyncImages returns are
     * heartbeated and returned before anything else; a retry adopts only copies that are provably this
     * run's own (ownCopy).
     */
    async copyImage(args: CopyArgs): Promise<ImageCopy[]> {
      const ctx = Context.current();
      const { runId } = pipelineRef();
      const earlier = ctx.info.heartbeatDetails as CopyDetails | undefined;
      if (earlier?.synced?.length === args.destinationRegions.length) return earlier.synced;
      const before: Record<string, string[]> = earlier?.namesakes ?? {};
      const since = ctx.info.scheduledTimestampMs;
      const copies: ImageCopy[] = [...(earlier?.synced ?? [])];
      const missing: string[] = [];
      for (const region of args.destinationRegions) {
        if (copies.some((c) => c.region === region)) continue;
        // The first attempt made nothing yet: every namesake there is someone else's.
        const fresh = ctx.info.attempt > 1 ? { since, before: before[region] ?? [] } : undefined;
        const found = await ownCopy(region, args.imageName, runId, fresh);
        if (found?.ImageId) copies.push({ region, imageId: found.ImageId });
        else {
          missing.push(region);
          if (ctx.info.attempt === 1) before[region] = (await namesakes(region, args.imageName)).map((i) => i.ImageId!);
        }
      }
      if (!missing.length) return copies;
      ctx.heartbeat({ namesakes: before, synced: copies } satisfies CopyDetails);
      const res = await rt.api.cvm(args.region, 'SyncImages', (c) =>
        c.SyncImages({ ImageIds: [args.imageId], DestinationRegions: missing, ImageSetRequired: true }),
      );
      const made = missing.flatMap((region) => {
        const imageId = res.ImageSet?.find((s) => s.Region === region)?.ImageId;
        return imageId ? [{ region, imageId }] : [];
      });
      copies.push(...made);
      ctx.heartbeat({ namesakes: before, synced: copies } satisfies CopyDetails);
      for (const region of missing.filter((r) => !made.some((m) => m.region === r))) {
        const id = (await ownCopy(region, args.imageName, runId, { since, before: before[region] ?? [] }))?.ImageId;
        if (!id) {
          throw ApplicationFailure.retryable(
            `SyncImages returned no copy for ${region} and none is visible yet`,
            RETRYABLE_TENCENT_ERROR,
          );
        }
        copies.push({ region, imageId: id });
      }
      return copies;
    },

    /** Long wait until every copy is NORMAL (one region after the other; they sync in parallel anyway). */
    async waitForImageCopies({ copies }: { copies: ImageCopy[] }): Promise<void> {
      for (const copy of copies) {
        const missing = visibilityWindow(rt.visibilityGraceMs);
        await waitForAll<Image, true>({
          poller: rt.pollers.images(copy.region),
          ids: [copy.imageId],
          stateOf: (r) => `${copy.region} ${r?.ImageState ?? 'missing'}`,
          decide: (id, r) => {
            if (!r) return missing(id, `image copy in ${copy.region}`);
            if (r.ImageState === 'NORMAL') return { done: true };
            if (/FAILED$/.test(r.ImageState ?? '')) {
              const message = `the copy ${id} of the image in ${copy.region} ended in ${r.ImageState}`;
              return { fail: ApplicationFailure.nonRetryable(message, NON_RETRYABLE.imageCreateFailed, copy) };
            }
            return { wait: true };
          },
        });
      }
    },

    /**
     * Compensation: deletes this run's copies, with their snapshots: the ids copyImage returned, else a
     * copy provably this run's own (tagged, or a namesake made after `since`, when the copy step began).
     */
    async deleteImageCopies(args: {
      imageName: string;
      destinationRegions: string[];
      copies: ImageCopy[];
      since?: number;
    }) {
      const { runId } = pipelineRef();
      const deleted: ImageCopy[] = [];
      for (const region of args.destinationRegions) {
        const fresh = args.since === undefined ? undefined : { since: args.since, before: [] };
        const id =
          args.copies.find((c) => c.region === region)?.imageId ??
          (await ownCopy(region, args.imageName, runId, fresh))?.ImageId;
        if (!id) continue;
        // A copy still SYNCING cannot be deleted yet: the deletion waits it out.
        if (!(await deleteImageWithBoundSnapshots(rt, region, id))) continue;
        deleted.push({ region, imageId: id });
      }
      return deleted;
    },

    /**
     * Shares the image with these accounts, idempotently: sharing with an account that already has the
     * image is FailedOperation.AccountAlreadyExists (ModifyImageSharePermission's documented list, Go SDK
     * cvm client.go), so accounts that have it are skipped (DescribeImageSharePermission) and, should one
     * gain it meanwhile, its batch is retried one account at a time, that answer counting as done.
     */
    async shareImage(args: { region: string; imageId: string; accountIds: string[] }): Promise<string[]> {
      const has = new Set(await sharedAccounts(rt.api, args.region, args.imageId));
      const todo = [...new Set(args.accountIds)].filter((a) => !has.has(a));
      const share = (accounts: string[]) => modifySharing(rt, args.region, args.imageId, accounts, 'SHARE');
      for (let i = 0; i < todo.length; i += SHARE_BATCH) {
        const accounts = todo.slice(i, i + SHARE_BATCH);
        try {
          await share(accounts);
        } catch (err) {
          if (codeOf(err) !== ALREADY_SHARED) throw err;
          for (const account of accounts) {
            await share([account]).catch((e: unknown) => {
              if (codeOf(e) !== ALREADY_SHARED) throw e;
            });
          }
        }
      }
      return args.accountIds;
    },

    /** Stops sharing the image with these accounts (Tencent refuses to delete a shared image). */
    async unshareImage(args: { region: string; imageId: string; accountIds: string[] }): Promise<string[]> {
      for (let i = 0; i < args.accountIds.length; i += SHARE_BATCH) {
        try {
          await modifySharing(rt, args.region, args.imageId, args.accountIds.slice(i, i + SHARE_BATCH), 'CANCEL');
        } catch (err) {
          if (codeOf(err) === 'InvalidImageId.NotFound') return []; // the image is gone: nothing is shared
          throw err;
        }
      }
      return args.accountIds;
    },
  };
}

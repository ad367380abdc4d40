/**
 * One scenario per cloud behaviour the pipeline relies on (issue #12), in the order they run: each returns the
 * facts it saw, which the parity report compares between the emulator and Tencent. Sources: the vendored
 * models and error lists in src/tencent/ (tccli api.json, the Go SDK's per-action error comments).
 */
import { check, type ContractContext, NAME_PREFIX, refusal, RUN_TAG_KEY, waitFor } from './context';

export type Facts = Record<string, string | number | boolean>;

/** What a scenario may leave running, for the cost plan. */
export interface Creates {
  instanceHours?: number;
  /** GB of image snapshots kept for the run, in the source region and in the copy region. */
  imageGb?: number;
  copyGb?: number;
}

export interface Scenario {
  id: string;
  /** The behaviour the pipeline relies on, and where Tencent states it. */
  relies: string;
  /** Scenarios that must have passed first (they leave what this one uses in the ledger). */
  needs: string[];
  creates: Creates;
  /** Live only: why it would be skipped, if so. */
  skipIf?: (ctx: ContractContext) => string | undefined;
  run(ctx: ContractContext): Promise<Facts>;
}

const TAG_FILTER = (ctx: ContractContext) => ({ Name: `tag:${RUN_TAG_KEY}`, Values: [ctx.runId] });
const imageName = (ctx: ContractContext) => `${NAME_PREFIX}-${ctx.runId}`;

async function instanceState(ctx: ContractContext, id: string): Promise<string | undefined> {
  const r = await ctx.clients.cvm(ctx.region).DescribeInstances({ InstanceIds: [id] });
  return r.InstanceSet?.[0]?.InstanceState;
}

async function imageIn(ctx: ContractContext, region: string, id: string) {
  const r = await ctx.clients.cvm(region).DescribeImages({ ImageIds: [id] });
  return r.ImageSet?.[0];
}

export const SCENARIOS: Scenario[] = [
  {
    id: 'quota',
    relies: 'DescribeImageQuota answers ImageNumQuota (checked before CreateImage/SyncImages)',
    needs: [],
    creates: {},
    async run(ctx) {
      const q = await ctx.clients.cvm(ctx.region).DescribeImageQuota();
      check(Number.isInteger(q.ImageNumQuota) && q.ImageNumQuota! >= 0, `ImageNumQuota ${q.ImageNumQuota}`);
      return { quotaIsInteger: true };
    },
  },
  {
    id: 'unknown-ids',
    relies:
      'deleting what is already gone answers the documented *.NotFound (TerminateInstances, DeleteImages, ' +
      'DeleteSnapshots error lists), which undo steps count as done',
    needs: [],
    creates: {},
    async run(ctx) {
      return {
        terminateUnknown: await refusal(
          ctx.clients.cvm(ctx.region).TerminateInstances({ InstanceIds: ['ins-00000000'] }),
        ),
        deleteImageUnknown: await refusal(ctx.clients.cvm(ctx.region).DeleteImages({ ImageIds: ['img-00000000'] })),
        deleteSnapshotUnknown: await refusal(
          ctx.clients.cbs(ctx.region).DeleteSnapshots({ SnapshotIds: ['snap-00000000'] }),
        ),
      };
    },
  },
  {
    id: 'launch-tagged',
    relies:
      'RunInstances with TagSpecification: the instance is found by its tag (DescribeInstances Filters tag:<key>); ' +
      'no DataDisks buys none (RunInstancesRequest.DataDisks)',
    needs: [],
    creates: { instanceHours: 1 },
    async run(ctx) {
      const cvm = ctx.clients.cvm(ctx.region);
      const r = await cvm.RunInstances({
        ImageId: ctx.publicImageId,
        InstanceType: ctx.instanceType,
        InstanceChargeType: 'POSTPAID_BY_HOUR',
        Placement: { Zone: ctx.zone },
        SystemDisk: { DiskSize: 50 },
        InstanceName: `${NAME_PREFIX}-${ctx.runId}`,
        ClientToken: `${NAME_PREFIX}-${ctx.runId}`,
        TagSpecification: [{ ResourceType: 'instance', Tags: [ctx.runTag] }],
      });
      const id = r.InstanceIdSet?.[0];
      check(!!id, 'RunInstances returned no InstanceIdSet');
      ctx.ledger.instanceId = id;
      // Docs are silent on how soon a new instance is listed: poll (the pipeline's pollers do too).
      await waitFor(ctx, 'instanceRunning', async () =>
        (await instanceState(ctx, id!)) === 'RUNNING' ? true : undefined,
      );
      const tagged = await waitFor(ctx, 'instanceVisibleByTag', async () => {
        const found = await cvm.DescribeInstances({ Filters: [TAG_FILTER(ctx)] });
        return found.InstanceSet?.some((i) => i.InstanceId === id) ? true : undefined;
      });
      const inst = (await cvm.DescribeInstances({ InstanceIds: [id!] })).InstanceSet![0];
      return { visibleByTag: tagged, dataDisks: inst.DataDisks?.length ?? 0, systemDiskGb: inst.SystemDisk!.DiskSize! };
    },
  },
  {
    id: 'tat-running',
    relies:
      'TAT RunCommand on a running instance reaches SUCCESS (DescribeInvocationTasks); a name outside ' +
      '[A-Za-z0-9_.-] is InvalidParameterValue.InvalidCommandName (RunCommandRequest.CommandName, its error list)',
    needs: ['launch-tagged'],
    creates: {},
    async run(ctx) {
      const tat = ctx.clients.tat(ctx.region);
      const base = { Content: Buffer.from('echo contract').toString('base64'), InstanceIds: [ctx.ledger.instanceId!] };
      const badName = await refusal(tat.RunCommand({ ...base, CommandName: 'cvm image contract' }));
      // A freshly launched agent may take a while to come online; docs are silent on how long: poll.
      const invocationId = await waitFor(ctx, 'tatAccepted', async () => {
        try {
          return (await tat.RunCommand({ ...base, CommandName: 'cvm-image-contract.echo' })).InvocationId;
        } catch (err) {
          if ((err as { code?: string }).code === 'InvalidParameterValue.InstanceIsNotRelatedToTat') return undefined;
          throw err;
        }
      });
      const status = await waitFor(ctx, 'tatFinished', async () => {
        const r = await tat.DescribeInvocationTasks({ Filters: [{ Name: 'invocation-id', Values: [invocationId!] }] });
        const s = r.InvocationTaskSet?.[0]?.TaskStatus;
        return s && !['PENDING', 'DELIVERING', 'RUNNING'].includes(s) ? s : undefined;
      });
      check(status === 'SUCCESS', `task ${status}`);
      return { badCommandName: badName, taskStatus: status };
    },
  },
  {
    id: 'stop-keep-charging',
    relies: 'StopInstances with StoppedMode KEEP_CHARGING reaches STOPPED (CreateImage refuses STOP_CHARGING)',
    needs: ['launch-tagged'],
    creates: {},
    async run(ctx) {
      const id = ctx.ledger.instanceId!;
      await ctx.clients.cvm(ctx.region).StopInstances({ InstanceIds: [id], StoppedMode: 'KEEP_CHARGING' });
      await waitFor(ctx, 'instanceStopped', async () =>
        (await instanceState(ctx, id)) === 'STOPPED' ? true : undefined,
      );
      return { stopped: true };
    },
  },
  {
    id: 'image-tagged',
    relies:
      'CreateImage with TagSpecification: the image is listed by id, reaches NORMAL and is found by the ' +
      'documented DescribeImages filters tag-key, tag-value and tag:<key> (DescribeImagesRequest.Filters)',
    needs: ['stop-keep-charging'],
    creates: { imageGb: 50 },
    async run(ctx) {
      const cvm = ctx.clients.cvm(ctx.region);
      const r = await cvm.CreateImage({
        InstanceId: ctx.ledger.instanceId!,
        ImageName: imageName(ctx),
        TagSpecification: [{ ResourceType: 'image', Tags: [ctx.runTag] }],
      });
      const id = r.ImageId;
      check(!!id, 'CreateImage returned no ImageId');
      ctx.ledger.imageId = id;
      // Visibility lag: docs are silent on when a new image is listed; the pipeline waits for it by id.
      await waitFor(ctx, 'imageListed', async () => ((await imageIn(ctx, ctx.region, id!)) ? true : undefined));
      await waitFor(ctx, 'imageNormal', async () =>
        (await imageIn(ctx, ctx.region, id!))?.ImageState === 'NORMAL' ? true : undefined,
      );
      const found = async (Name: string, Values: string[]) =>
        !!(await cvm.DescribeImages({ Filters: [{ Name, Values }] })).ImageSet?.some((i) => i.ImageId === id);
      return {
        byTagKeyValue: await found(`tag:${RUN_TAG_KEY}`, [ctx.runId]),
        byTagKey: await found('tag-key', [RUN_TAG_KEY]),
        byTagValue: await found('tag-value', [ctx.runId]),
      };
    },
  },
  {
    id: 'snapshot-filters',
    relies:
      "the image's snapshots are listed by DescribeSnapshots snapshot-id; DescribeSnapshots documents no " +
      'tag-key filter (DescribeSnapshotsRequest.Filters), so the inventory reads Tags itself',
    needs: ['image-tagged'],
    creates: {},
    async run(ctx) {
      const img = (await imageIn(ctx, ctx.region, ctx.ledger.imageId!))!;
      const snapIds = (img.SnapshotSet ?? []).map((s) => s.SnapshotId!);
      check(snapIds.length > 0, 'the image lists no SnapshotSet');
      const cbs = ctx.clients.cbs(ctx.region);
      const listed = await cbs.DescribeSnapshots({ Filters: [{ Name: 'snapshot-id', Values: snapIds }] });
      check(listed.SnapshotSet?.length === snapIds.length, `listed ${listed.SnapshotSet?.length} of ${snapIds.length}`);
      let tagKeyFilter = 'accepted';
      try {
        await cbs.DescribeSnapshots({ Filters: [{ Name: 'tag-key', Values: [RUN_TAG_KEY] }] });
      } catch (err) {
        tagKeyFilter = String((err as { code?: string }).code ?? err);
      }
      // Docs are silent on whether an image's snapshots carry the image's tags: observed, never relied on.
      const snapshotsTagged = listed.SnapshotSet!.every((s) => s.Tags?.some((t) => t.Key === RUN_TAG_KEY));
      return { snapshots: snapIds.length, tagKeyFilter, snapshotsTagged };
    },
  },
  {
    id: 'sync-images',
    relies:
      "SyncImages copies one image and answers the copies' ids (SyncImagesResponse.ImageSet); the copy keeps a " +
      'documented ImageSource; the same name again is InvalidImageName.Duplicate (its error list)',
    needs: ['image-tagged'],
    creates: { copyGb: 50 },
    async run(ctx) {
      const cvm = ctx.clients.cvm(ctx.region);
      // ImageSetRequired: the copies' ids come back in ImageSet (SyncImagesRequest.ImageSetRequired).
      const req = { ImageIds: [ctx.ledger.imageId!], DestinationRegions: [ctx.copyRegion], ImageSetRequired: true };
      const r = await cvm.SyncImages(req);
      const copyId = r.ImageSet?.find((x) => x.Region === ctx.copyRegion)?.ImageId;
      check(!!copyId, 'SyncImages answered no copy id for the destination');
      ctx.ledger.copyImageId = copyId;
      const copy = await waitFor(ctx, 'copyNormal', async () => {
        const c = await imageIn(ctx, ctx.copyRegion, copyId!);
        return c?.ImageState === 'NORMAL' ? c : undefined;
      });
      check(copy.ImageName === imageName(ctx), `copy named ${copy.ImageName}`);
      return {
        copySource: copy.ImageSource ?? '',
        copyTagged: !!copy.Tags?.some((t) => t.Key === RUN_TAG_KEY),
        syncAgain: await refusal(cvm.SyncImages(req)),
      };
    },
  },
  {
    id: 'share-idempotent',
    relies:
      'ModifyImageSharePermission: sharing twice is FailedOperation.AccountAlreadyExists, to yourself ' +
      'FailedOperation.AccountIsYourSelf (its error list); shareImage counts the first as done',
    needs: ['image-tagged'],
    creates: {},
    skipIf: (ctx) =>
      ctx.shareAccountId && ctx.ownAccountId
        ? undefined
        : 'set CVM_IMAGE_CONTRACT_SHARE_ACCOUNT and CVM_IMAGE_CONTRACT_OWN_ACCOUNT',
    async run(ctx) {
      const cvm = ctx.clients.cvm(ctx.region);
      const share = (AccountIds: string[], Permission = 'SHARE') =>
        cvm.ModifyImageSharePermission({ ImageId: ctx.ledger.imageId!, AccountIds, Permission });
      await share([ctx.shareAccountId!]);
      const again = await refusal(share([ctx.shareAccountId!]));
      const self = await refusal(share([ctx.ownAccountId!]));
      await share([ctx.shareAccountId!], 'CANCEL');
      return { shareAgain: again, shareToSelf: self };
    },
  },
  {
    id: 'deletion-visibility',
    relies:
      'DeleteImages and TerminateInstances end in the resource gone from Describe* (or SHUTDOWN/TERMINATING): ' +
      'docs are silent on how long that takes, so the pipeline and janitor poll',
    needs: ['launch-tagged'],
    creates: {},
    async run(ctx) {
      const { imageId, copyImageId, instanceId } = ctx.ledger;
      if (copyImageId) await ctx.clients.cvm(ctx.copyRegion).DeleteImages({ ImageIds: [copyImageId] });
      if (imageId) await ctx.clients.cvm(ctx.region).DeleteImages({ ImageIds: [imageId] });
      await ctx.clients.cvm(ctx.region).TerminateInstances({ InstanceIds: [instanceId!] });
      if (copyImageId)
        await waitFor(ctx, 'copyGone', async () =>
          (await imageIn(ctx, ctx.copyRegion, copyImageId)) ? undefined : true,
        );
      if (imageId)
        await waitFor(ctx, 'imageGone', async () => ((await imageIn(ctx, ctx.region, imageId)) ? undefined : true));
      await waitFor(ctx, 'instanceGone', async () => {
        const s = await instanceState(ctx, instanceId!);
        return s === undefined || s === 'SHUTDOWN' || s === 'TERMINATING' ? true : undefined;
      });
      return { imagesGone: true, instanceGone: true };
    },
  },
];

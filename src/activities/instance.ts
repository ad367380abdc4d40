/**
 * The instance, the one module that sends CVM's instance actions other than launching (DescribeInstances,
 * StopInstances, StartInstances; RunInstances and TerminateInstances are in launch.ts).
 * The source instance: what it is (inspect), and stopping/starting it. Stop and start check the state
 * first, so an attempt repeated after a lost response does nothing twice.
 */
import { ApplicationFailure } from '@temporalio/common';
import type {
  DescribeInstancesRequest,
  DescribeInstancesResponse,
  Image,
  Instance,
} from 'tencentcloud-sdk-nodejs/tencentcloud/services/cvm/v20170312/cvm_models';
import type { ActivityRuntime } from './runtime';
import type { TencentApi } from './tencent-api';
import { NON_RETRYABLE, RETRYABLE_TENCENT_ERROR, type InstanceFacts } from '../contract';
import type { Decision } from './pollers';
import { visibilityWindow, waitForAll } from './waiting';

export function describeInstances(
  api: TencentApi,
  region: string,
  request: DescribeInstancesRequest,
  signal?: AbortSignal,
): Promise<DescribeInstancesResponse> {
  return api.cvm(region, 'DescribeInstances', (c) => c.DescribeInstances(request), signal);
}

/** One instance as DescribeInstances reports it, or undefined when it is not in the answer. */
async function describeInstance(api: TencentApi, region: string, instanceId: string): Promise<Instance | undefined> {
  const res = await describeInstances(api, region, { InstanceIds: [instanceId] });
  return res.InstanceSet?.find((i) => i.InstanceId === instanceId);
}

/**
 * Why the instance can no longer be started or edited, or undefined while it exists. DescribeInstances'
 * published errors include InvalidInstanceId.NotFound, but its docs do not say whether a well-formed unknown id
 * fails with it or is only left out of InstanceSet: either answer counts as gone.
 */
export async function instanceGoneReason(
  api: TencentApi,
  region: string,
  instanceId: string,
): Promise<string | undefined> {
  try {
    const state = (await describeInstance(api, region, instanceId))?.InstanceState;
    if (!state) return 'the instance no longer exists';
    return GONE.has(state) ? `the instance is ${state}` : undefined;
  } catch (err) {
    if (err instanceof ApplicationFailure && err.type === NON_RETRYABLE.notFound)
      return 'the instance no longer exists';
    throw err;
  }
}

/** States an instance passes through on its own; inspection waits them out. */
const TRANSITIONAL = new Set(['PENDING', 'STOPPING', 'STARTING', 'REBOOTING']);
/** States no pipeline can work with. */
const GONE = new Set(['SHUTDOWN', 'TERMINATING', 'LAUNCH_FAILED']);

/**
 * The opposite steady state (STOPPED while waiting for RUNNING, RUNNING while waiting for STOPPED) does not
 * change by itself: another call took the instance there, e.g. a late StopInstances landing right after the
 * restart, before a poll saw RUNNING. Tencent documents no read-after-write guarantee, so right after our
 * own StartInstances the old state may still be read: it fails only once it has lasted the grace window,
 * and the caller decides (the source restore starts it again).
 */
function settledElsewhere(graceMs: number) {
  const since = new Map<string, number>();
  return (id: string, target: string, r: Instance): Decision<never> => {
    const opposite = target === 'RUNNING' ? 'STOPPED' : target === 'STOPPED' ? 'RUNNING' : undefined;
    if (r.InstanceState !== opposite || r.LatestOperationState === 'OPERATING') {
      since.delete(id);
      return { wait: true };
    }
    const first = since.get(id) ?? Date.now();
    since.set(id, first);
    if (Date.now() - first <= graceMs) return { wait: true };
    return {
      fail: ApplicationFailure.nonRetryable(
        `instance ${id} is ${opposite} while waiting for ${target} (for ${Math.round((Date.now() - first) / 1000)} s): ` +
          `another call changed it`,
        NON_RETRYABLE.instanceUnsuitable,
      ),
    };
  };
}

export interface InstanceRef {
  region: string;
  instanceId: string;
}

export interface WaitInstancesArgs {
  region: string;
  instanceIds: string[];
  target: 'RUNNING' | 'STOPPED' | 'GONE';
  /** Just launched: missing from Describe* for a while is normal, LAUNCH_FAILED is final. */
  launched?: boolean;
}

export function instanceActivities(rt: ActivityRuntime) {
  /**
   * A source image deleted since the launch is UNKNOWN: not provably public, so not imaged online. Read through
   * the region's batched image poller: a fleet's pipelines mostly share a few source images, and N lookups at
   * once (one DescribeImages each) queued the image waits' polls behind them at N = 1,000 (#15).
   */
  async function sourceImageType(region: string, imageId: string | undefined): Promise<string> {
    if (!imageId) return 'UNKNOWN';
    const [type] = await waitForAll<Image, string>({
      poller: rt.pollers.images(region),
      ids: [imageId],
      stateOf: (r) => r?.ImageType ?? 'UNKNOWN',
      decide: (_id, r) => ({ done: r?.ImageType ?? 'UNKNOWN' }),
    });
    return type;
  }

  return {
    /** Waits out running operations and transitional states, then reports what the pipeline needs. */
    async inspectInstance({ region, instanceId }: InstanceRef): Promise<InstanceFacts> {
      const [inst] = await waitForAll<Instance, Instance>({
        poller: rt.pollers.instances(region),
        ids: [instanceId],
        stateOf: (r) => (r ? `${r.InstanceState}/${r.LatestOperationState ?? '-'}` : 'missing'),
        decide: (id, r) => {
          if (!r) {
            return {
              fail: ApplicationFailure.nonRetryable(
                `instanceId: instance ${id} does not exist in region ${region}`,
                NON_RETRYABLE.notFound,
              ),
            };
          }
          const state = r.InstanceState ?? 'UNKNOWN';
          if (GONE.has(state)) {
            return {
              fail: ApplicationFailure.nonRetryable(
                `instanceId: instance ${id} is ${state}; an image needs a RUNNING or STOPPED instance`,
                NON_RETRYABLE.instanceUnsuitable,
              ),
            };
          }
          if (r.LatestOperationState === 'OPERATING' || TRANSITIONAL.has(state)) return { wait: true };
          return { done: r };
        },
      });
      const osName = inst.OsName ?? '';
      return {
        instanceId,
        region,
        zone: inst.Placement?.Zone ?? '',
        instanceType: inst.InstanceType ?? '',
        state: inst.InstanceState ?? 'UNKNOWN',
        createdTime: inst.CreatedTime ?? '',
        imageId: inst.ImageId ?? '',
        sourceImageType: await sourceImageType(region, inst.ImageId),
        osName,
        platform: /windows/i.test(osName) ? 'WINDOWS' : 'LINUX',
        dataDisks: (inst.DataDisks ?? [])
          .filter((d) => d.DiskId)
          .map((d) => ({ diskId: d.DiskId!, sizeGb: d.DiskSize, diskType: d.DiskType })),
        systemDiskSizeGb: inst.SystemDisk?.DiskSize,
      };
    },

    /** Soft shutdown first (Tencent forces it if the guest does not stop in time). */
    async stopInstance({ region, instanceId }: InstanceRef): Promise<{ requested: boolean }> {
      const state = (await describeInstance(rt.api, region, instanceId))?.InstanceState;
      if (state === 'STOPPED' || state === 'STOPPING') return { requested: false };
      if (state !== 'RUNNING') {
        throw ApplicationFailure.retryable(
          `instance ${instanceId} is ${state ?? 'not visible'}`,
          RETRYABLE_TENCENT_ERROR,
        );
      }
      // KEEP_CHARGING stated, not left to the account's default: CreateImage refuses an instance stopped
      // with STOP_CHARGING (UnsupportedOperation.StoppedModeStopCharging, Go SDK cvm client.go).
      await rt.api.cvm(region, 'StopInstances', (c) =>
        c.StopInstances({ InstanceIds: [instanceId], StopType: 'SOFT_FIRST', StoppedMode: 'KEEP_CHARGING' }),
      );
      return { requested: true };
    },

    async startInstance({ region, instanceId }: InstanceRef): Promise<{ requested: boolean }> {
      const state = (await describeInstance(rt.api, region, instanceId))?.InstanceState;
      if (state === 'RUNNING' || state === 'STARTING') return { requested: false };
      if (state !== 'STOPPED') {
        throw ApplicationFailure.retryable(
          `instance ${instanceId} is ${state ?? 'not visible'}`,
          RETRYABLE_TENCENT_ERROR,
        );
      }
      await rt.api.cvm(region, 'StartInstances', (c) => c.StartInstances({ InstanceIds: [instanceId] }));
      return { requested: true };
    },

    /** Long wait for instances to reach a state (or to disappear after termination). */
    async waitForInstances(args: WaitInstancesArgs): Promise<string[]> {
      const missing = visibilityWindow(rt.visibilityGraceMs);
      const undone = settledElsewhere(rt.visibilityGraceMs);
      return waitForAll<Instance, string>({
        poller: rt.pollers.instances(args.region),
        ids: args.instanceIds,
        stateOf: (r) => r?.InstanceState ?? 'missing',
        decide: (id, r) => {
          // A LAUNCH_FAILED instance may stay listed: TerminateInstances refuses it (documented code
          // UnsupportedOperation.InstanceStateLaunchFailed); nothing more can be done about it.
          if (args.target === 'GONE') return r && r.InstanceState !== 'LAUNCH_FAILED' ? { wait: true } : { done: id };
          if (!r) return missing(id, 'instance');
          const state = r.InstanceState ?? '';
          if (state === args.target && r.LatestOperationState !== 'OPERATING') return { done: id };
          if (args.launched && state === 'LAUNCH_FAILED') {
            return {
              fail: ApplicationFailure.nonRetryable(
                `instance ${id} failed to launch${r.LatestOperationErrorMsg ? `: ${r.LatestOperationErrorMsg}` : ''}`,
                NON_RETRYABLE.launchFailed,
              ),
            };
          }
          if (GONE.has(state)) {
            return {
              fail: ApplicationFailure.nonRetryable(
                `instance ${id} is ${state} while waiting for ${args.target}`,
                NON_RETRYABLE.instanceUnsuitable,
              ),
            };
          }
          return undone(id, args.target, r);
        },
      });
    },
  };
}

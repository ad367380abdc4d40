/**
 * The seed's last step: "Create instance" from the new image, with each data disk created from its
 * snapshot. RunInstances takes a ClientToken derived from the run, so a repeated attempt returns the same
 * instances. Verification waits for the TAT agent, which stays offline when boot hangs on /etc/fstab.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { AutomationAgentInfo } from 'tencentcloud-sdk-nodejs/tencentcloud/services/tat/v20201028/tat_models';
import type {
  Instance,
  RunInstancesRequest,
} from 'tencentcloud-sdk-nodejs/tencentcloud/services/cvm/v20170312/cvm_models';
import { describeImages } from './image';
import { describeInstances } from './instance';
import { tagList, type ActivityRuntime } from './runtime';
import {
  NON_RETRYABLE,
  RETRYABLE_TENCENT_ERROR,
  TAG_RUN_ID,
  TAG_WORKFLOW_ID,
  type LaunchArgs,
  type PipelineRef,
} from '../contract';
import { pipelineRef, waitForAll } from './waiting';
import { Context, log } from '@temporalio/activity';
import { codeOf } from './tencent-api';

/** RunInstances' documented SystemDisk.DiskSize default (cvm api.json). */
const SYSTEM_DISK_DEFAULT_GB = 50;

/** RunInstances idempotency key: ASCII, at most 64 characters, one per run. */
export function launchClientToken(ref: PipelineRef): string {
  return `cvm-image-${createHash('sha256').update(`${ref.workflowId}/${ref.runId}`).digest('hex').slice(0, 40)}`;
}

/** RunInstances, sent from here only (one home per resource): bake.ts launches its builder through this. */
export function runInstances(rt: ActivityRuntime, region: string, request: RunInstancesRequest) {
  return rt.api.cvm(region, 'RunInstances', (c) => c.RunInstances(request));
}

/** TerminateInstances, sent from here only (one home per resource): reconcile.ts removes strays through this. */
export function terminateInstances(rt: ActivityRuntime, region: string, instanceIds: string[]) {
  return rt.api.cvm(region, 'TerminateInstances', (c) => c.TerminateInstances({ InstanceIds: instanceIds }));
}

const GONE_STATES = new Set(['SHUTDOWN', 'TERMINATING']);
const LAUNCH_FAILED_REFUSAL = 'UnsupportedOperation.InstanceStateLaunchFailed';

export function launchActivities(rt: ActivityRuntime) {
  async function taggedInstances(region: string, ref: PipelineRef): Promise<Instance[]> {
    const res = await describeInstances(rt.api, region, {
      Filters: [{ Name: `tag:${TAG_RUN_ID}`, Values: [ref.runId] }],
      Limit: 100,
    });
    return res.InstanceSet ?? [];
  }

  /**
   * What RunInstances must be told, since it assumes nothing (cvm api.json RunInstancesRequest): without
   * DataDisks "默认不购买数据盘" (no data disks are bought, even from a whole-machine image), and the
   * system disk defaults to 50 GB (SystemDisk.DiskSize). So the image's own size and, when the caller
   * names no data disks, its data-disk snapshots (Image.SnapshotSet) are stated explicitly.
   */
  async function launchPlan(args: LaunchArgs): Promise<{ systemDiskGb?: number; dataDisks: LaunchArgs['dataDisks'] }> {
    const res = await describeImages(rt.api, args.region, { ImageIds: [args.imageId] });
    const image = res.ImageSet?.[0];
    const size = image?.ImageSize;
    const systemDiskGb = size && size > SYSTEM_DISK_DEFAULT_GB ? size : undefined;
    if (args.dataDisks.length) return { systemDiskGb, dataDisks: args.dataDisks };
    const dataDisks = (image?.SnapshotSet ?? [])
      .filter((snap) => snap.DiskUsage === 'DATA_DISK' && snap.SnapshotId && snap.DiskSize)
      .map((snap) => ({ snapshotId: snap.SnapshotId!, sizeGb: snap.DiskSize! }));
    return { systemDiskGb, dataDisks };
  }

  return {
    async launchInstances(args: LaunchArgs): Promise<string[]> {
      const ref = pipelineRef();
      const image = await launchPlan(args);
      const res = await rt.api.cvm(args.region, 'RunInstances', (c) =>
        c.RunInstances({
          ImageId: args.imageId,
          Placement: { Zone: args.zone },
          InstanceType: args.instanceType,
          InstanceCount: args.count,
          InstanceName: `from-${args.imageId}`,
          SystemDisk: image.systemDiskGb ? { DiskSize: image.systemDiskGb } : undefined,
          DataDisks: image.dataDisks.length
            ? image.dataDisks.map((d) => ({
                DiskSize: d.sizeGb,
                DiskType: d.diskType,
                SnapshotId: d.snapshotId,
                DeleteWithInstance: true,
              }))
            : undefined,
          ClientToken: launchClientToken(ref),
          TagSpecification: [
            {
              ResourceType: 'instance',
              Tags: tagList({ ...args.tags, [TAG_WORKFLOW_ID]: ref.workflowId, [TAG_RUN_ID]: ref.runId }),
            },
          ],
        }),
      );
      const ids = res.InstanceIdSet ?? [];
      if (ids.length !== args.count) {
        throw ApplicationFailure.retryable(
          `RunInstances returned ${ids.length} of ${args.count} instance ids`,
          RETRYABLE_TENCENT_ERROR,
        );
      }
      return ids;
    },

    /** The TAT agent must come online within the bound; if it does not, boot is hung (fstab, most often). */
    async verifyAgentsOnline({
      region,
      instanceIds,
      withinMs,
    }: {
      region: string;
      instanceIds: string[];
      withinMs: number;
    }): Promise<string[]> {
      const deadline = Context.current().info.scheduledTimestampMs + withinMs;
      return waitForAll<AutomationAgentInfo, string>({
        poller: rt.pollers.agents(region),
        ids: instanceIds,
        stateOf: (r) => r?.AgentStatus ?? 'no agent',
        decide: (id, r) => {
          if (r?.AgentStatus === 'Online') return { done: id };
          if (Date.now() < deadline) return { wait: true };
          return {
            fail: ApplicationFailure.nonRetryable(
              `instance ${id} launched from the image did not bring its TAT agent online within ` +
                `${Math.round(withinMs / 1000)} s: it did not boot normally (a data-disk line in /etc/fstab hangs boot)`,
              NON_RETRYABLE.launchVerificationFailed,
              { instanceId: id },
            ),
          };
        },
      });
    },

    /**
     * Terminates the run's launched instances (the known ids, plus any found by the run tag when the
     * RunInstances answer was lost). Returns the ids it terminated; the caller waits for them to go.
     */
    async terminateInstances({ region, instanceIds }: { region: string; instanceIds: string[] }): Promise<string[]> {
      const ref = pipelineRef();
      const ids = new Set(instanceIds);
      for (const i of await taggedInstances(region, ref)) if (i.InstanceId) ids.add(i.InstanceId);
      if (!ids.size) return [];
      // DescribeInstances leaves out ids that no longer exist.
      const res = await describeInstances(rt.api, region, { InstanceIds: [...ids], Limit: 100 });
      const alive = (res.InstanceSet ?? [])
        .filter((i) => i.InstanceId && !GONE_STATES.has(i.InstanceState ?? ''))
        .map((i) => i.InstanceId!);
      const failed = (res.InstanceSet ?? [])
        .filter((i) => i.InstanceState === 'LAUNCH_FAILED')
        .map((i) => i.InstanceId!);
      const live = alive.filter((id) => !failed.includes(id));
      if (live.length) {
        await terminateInstances(rt, region, live);
      }
      // TerminateInstances documents UnsupportedOperation.InstanceStateLaunchFailed (Go SDK cvm client.go) and
      // no doc says how a LAUNCH_FAILED instance goes away: each is asked on its own (so one refusal never
      // blocks the others), and that refusal counts as done; either answer is coped with.
      for (const id of failed) {
        try {
          await terminateInstances(rt, region, [id]);
        } catch (err) {
          if (codeOf(err) !== LAUNCH_FAILED_REFUSAL) throw err;
          log.warn('a LAUNCH_FAILED instance cannot be terminated (documented refusal); nothing more to do', {
            instanceId: id,
          });
        }
      }
      return [...ids];
    },
  };
}

/**
 * What `bakeImage` adds to the pipeline's activities: find the base image (DescribeImages), launch the
 * builder and the test instance (RunInstances, tagged with the run, one ClientToken per role so a retried
 * attempt gets the same instance back), and run one recipe step over TAT (tat.ts).
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import {
  NON_RETRYABLE,
  RETRYABLE_TENCENT_ERROR,
  TAG_RUN_ID,
  TAG_WORKFLOW_ID,
  WORKFLOW_FAILURES,
  type RecipeBaseImage,
  type RecipeStep,
  type StepOutcome,
} from '../contract';
import { describeImages } from './image';
import { runInstances } from './launch';
import { tagList, type ActivityRuntime } from './runtime';
import { redactSecrets, runShell, tatCommandName } from './tat';
import { pipelineRef } from './waiting';

export interface RecipeLaunchArgs {
  region: string;
  zone: string;
  instanceType: string;
  imageId: string;
  role: 'builder' | 'test';
  systemDiskGb?: number;
  dataDisks?: { sizeGb: number; type?: string }[];
  tags: Record<string, string>;
}

export interface RecipeStepArgs {
  region: string;
  instanceId: string;
  phase: 'provision' | 'verify';
  index: number;
  step: RecipeStep;
  timeoutSeconds: number;
}

/** Kept of a step's output in the history: its end, secrets hidden. */
const OUTPUT_KEPT = 2000;

/**
 * A file step as a shell script. `${GUEST_ROOT:-}` is empty on Tencent Cloud; the emulator sets it to the
 * instance's file tree (docs/recipes.md). The content travels base64-encoded: no quoting to get wrong.
 */
export function fileScript(file: NonNullable<RecipeStep['file']>): string {
  const path = `"\${GUEST_ROOT:-}"'${file.path.replace(/'/g, `'\\''`)}'`;
  const lines = [
    'set -eu',
    `target=${path}`,
    'mkdir -p "$(dirname "$target")"',
    `printf '%s' '${Buffer.from(file.content, 'utf8').toString('base64')}' | base64 -d > "$target"`,
  ];
  if (file.mode) lines.push(`chmod ${file.mode} "$target"`);
  lines.push(`echo "wrote ${file.path.replace(/[^A-Za-z0-9/._-]/g, '?')} ($(wc -c < "$target") bytes)"`);
  return `${lines.join('\n')}\n`;
}

/** RunInstances ClientToken: "ASCII, at most 64 characters", one per run and role. */
export function recipeClientToken(workflowId: string, runId: string, role: string): string {
  return `cvm-bake-${createHash('sha256').update(`${workflowId}/${runId}/${role}`).digest('hex').slice(0, 40)}`;
}

export function bakeActivities(rt: ActivityRuntime) {
  /**
   * A test instance from the new image gets the image's disks stated explicitly: RunInstances without
   * DataDisks "默认不购买数据盘" (buys none, even from a whole-machine image) and SystemDisk.DiskSize defaults
   * to 50 (cvm RunInstancesRequest), so the data disks come from the image's SnapshotSet (DiskUsage
   * DATA_DISK), the system disk at least the image's size.
   */
  async function imageDisks(region: string, imageId: string) {
    const res = await describeImages(rt.api, region, { ImageIds: [imageId] });
    const image = res.ImageSet?.find((i) => i.ImageId === imageId);
    const dataDisks = (image?.SnapshotSet ?? [])
      .filter((s) => s.DiskUsage === 'DATA_DISK' && s.SnapshotId && s.DiskSize)
      .map((s) => ({ DiskSize: s.DiskSize!, SnapshotId: s.SnapshotId!, DeleteWithInstance: true }));
    return {
      systemDisk: image?.ImageSize && image.ImageSize > 50 ? { DiskSize: image.ImageSize } : undefined,
      dataDisks: dataDisks.length ? dataDisks : undefined,
    };
  }

  return {
    /**
     * The base image: an id (must exist), or a public image by OsName, found with DescribeImages filters
     * image-type and image-name ("支持模糊查询": fuzzy) and platform ("支持模糊匹配"): the answer is matched
     * exactly here, whichever way the cloud matches, and the newest exact match wins.
     */
    async resolveBaseImage({ region, baseImage }: { region: string; baseImage: RecipeBaseImage }) {
      if (baseImage.imageId) {
        const res = await describeImages(rt.api, region, { ImageIds: [baseImage.imageId] });
        const img = res.ImageSet?.find((i) => i.ImageId === baseImage.imageId);
        if (!img)
          throw ApplicationFailure.nonRetryable(
            `invalid recipe: baseImage.imageId: image ${baseImage.imageId} does not exist in ${region}`,
            WORKFLOW_FAILURES.invalidRecipe,
          );
        return { imageId: img.ImageId!, osName: img.OsName ?? '', sizeGb: img.ImageSize };
      }
      const Filters = [
        { Name: 'image-type', Values: ['PUBLIC_IMAGE'] },
        { Name: 'image-name', Values: [baseImage.osName!] },
        ...(baseImage.platform ? [{ Name: 'platform', Values: [baseImage.platform] }] : []),
      ];
      const res = await describeImages(rt.api, region, { Filters, Limit: 100 });
      const exact = (res.ImageSet ?? [])
        .filter((i) => i.OsName === baseImage.osName || i.ImageName === baseImage.osName)
        .filter((i) => !baseImage.platform || i.Platform === baseImage.platform)
        .sort((a, b) => (b.CreatedTime ?? '').localeCompare(a.CreatedTime ?? ''));
      if (!exact.length)
        throw ApplicationFailure.nonRetryable(
          `invalid recipe: baseImage.osName: no public image named "${baseImage.osName}"` +
            `${baseImage.platform ? ` on platform ${baseImage.platform}` : ''} in ${region}`,
          WORKFLOW_FAILURES.invalidRecipe,
        );
      return { imageId: exact[0].ImageId!, osName: exact[0].OsName ?? '', sizeGb: exact[0].ImageSize };
    },

    /** Launches one instance for the run (builder or test), tagged with the run so the janitor finds it. */
    async launchRecipeInstance(args: RecipeLaunchArgs): Promise<string> {
      const ref = pipelineRef();
      const disks = args.role === 'test' ? await imageDisks(args.region, args.imageId) : undefined;
      const res = await runInstances(rt, args.region, {
        ImageId: args.imageId,
        Placement: { Zone: args.zone },
        InstanceType: args.instanceType,
        InstanceCount: 1,
        InstanceName: `cvm-bake-${args.role}`,
        SystemDisk: disks?.systemDisk ?? (args.systemDiskGb ? { DiskSize: args.systemDiskGb } : undefined),
        DataDisks:
          disks?.dataDisks ??
          (args.dataDisks?.length
            ? args.dataDisks.map((d) => ({ DiskSize: d.sizeGb, DiskType: d.type, DeleteWithInstance: true }))
            : undefined),
        ClientToken: recipeClientToken(ref.workflowId, ref.runId, args.role),
        TagSpecification: [
          {
            ResourceType: 'instance',
            Tags: tagList({ ...args.tags, [TAG_WORKFLOW_ID]: ref.workflowId, [TAG_RUN_ID]: ref.runId }),
          },
        ],
      });
      const id = res.InstanceIdSet?.[0];
      if (!id) throw ApplicationFailure.retryable('RunInstances returned no instance id', RETRYABLE_TENCENT_ERROR);
      return id;
    },

    /** One shell or file step over TAT; a non-zero exit fails it (GuestCommandFailed, output redacted). */
    async runRecipeStep(args: RecipeStepArgs): Promise<StepOutcome> {
      const { step } = args;
      const script = step.file ? fileScript(step.file) : step.shell;
      if (!script)
        throw ApplicationFailure.nonRetryable(`step ${step.name} has nothing to run`, NON_RETRYABLE.invalidRequest);
      const name = tatCommandName(`bake-${args.phase}-${args.index + 1}-${step.name}`);
      const res = await runShell(rt, args.region, args.instanceId, script, name, args.timeoutSeconds);
      const output = res.output.length > OUTPUT_KEPT ? `…${res.output.slice(-OUTPUT_KEPT)}` : res.output;
      return {
        phase: args.phase,
        name: step.name,
        exitCode: res.exitCode,
        output: redactSecrets(output),
        dropped: res.dropped,
      };
    },
  };
}

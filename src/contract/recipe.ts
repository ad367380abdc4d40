/**
 * The `bakeImage` contract: a recipe (YAML or JSON, schema in recipes/recipe.schema.json) says which public
 * image to start from, how to provision the builder over TAT, and how to verify an instance launched from
 * the new image. Plain JSON, so the Temporal CLI's `--input-file` takes a recipe converted to JSON as is.
 */
import { defineQuery } from '@temporalio/workflow';
import type { CreateCustomImageResult } from './pipeline';

/** A provisioning or verification step, run through TAT (RunCommand) or, for `reboot`, Stop + StartInstances. */
export interface RecipeStep {
  /** Letters, digits, ".", "_", "-": it becomes part of the TAT CommandName. */
  name: string;
  /** Duration such as "90s" or "10m" (TAT RunCommand Timeout: 1 s to 86400 s). Default "10m". */
  timeout?: string;
  /** A shell script run as root. */
  shell?: string;
  /** A file written on the guest. */
  file?: { path: string; content: string; mode?: string };
  /** Restart the instance and wait for it (and its TAT agent) to be back. */
  reboot?: true;
}

export interface RecipeBaseImage {
  /** An image id (public, custom or shared). */
  imageId?: string;
  /** Or a public image by its OsName as DescribeImages reports it, e.g. "Ubuntu Server 22.04 LTS 64bit". */
  osName?: string;
  /** Narrows the osName search: DescribeImages' Platform, e.g. "Ubuntu". */
  platform?: string;
}

export interface Recipe {
  /** Where the JSON Schema is, for editors; ignored. */
  $schema?: string;
  /** The recipe file's version of this format. */
  version: 1;
  region: string;
  zone: string;
  instanceType: string;
  baseImage: RecipeBaseImage;
  image: { name: string; description?: string; family?: string };
  /** GiB (RunInstances SystemDisk.DiskSize). */
  systemDiskGb?: number;
  dataDisks?: { sizeGb: number; type?: string }[];
  tags?: Record<string, string>;
  provision: RecipeStep[];
  verify?: RecipeStep[];
  timeouts?: { instance?: string; agent?: string; image?: string };
}

/** `bakeImage`'s input: the recipe itself (what `cvm-image bake` sends after reading the file). */
export type BakeImageInput = Recipe;

export interface StepOutcome {
  phase: 'provision' | 'verify';
  name: string;
  exitCode?: number;
  /** The end of the step's output, with secret-looking values hidden. */
  output?: string;
  /** Bytes TAT cut from the output (TaskResult.Dropped). */
  dropped?: number;
}

export interface BakeImageResult {
  imageId?: string;
  baseImageId: string;
  builderInstanceId?: string;
  testInstanceId?: string;
  steps: StepOutcome[];
  /** What the createCustomImage child returned. */
  image?: CreateCustomImageResult;
  warnings: string[];
}

export type BakeStage =
  | 'validating'
  | 'resolving-base-image'
  | 'launching-builder'
  | 'provisioning'
  | 'imaging'
  | 'verifying'
  | 'cleaning-up'
  | 'compensating'
  | 'completed'
  | 'failed'
  | 'cancelled';

export interface BakeProgress {
  stage: BakeStage;
  /** The step running, e.g. "provision 2/3 install-nginx". */
  step?: string;
  builderInstanceId?: string;
  testInstanceId?: string;
  imageId?: string;
  undone?: string[];
  startedAt: string;
  updatedAt: string;
}

/** `progress` on a bake run (the same query name as createCustomImage's, its own shape). */
export const bakeProgressQuery = defineQuery<BakeProgress>('progress');

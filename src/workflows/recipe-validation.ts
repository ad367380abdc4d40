/**
 * Recipe validation, before any cloud call: every bad field is named in ONE non-retryable `InvalidRecipe`
 * failure. The same zod schema is published as JSON Schema (recipes/recipe.schema.json, made by
 * scripts/recipe-schema.ts) so editors complete and check recipe files.
 */
import type { ApplicationFailure } from '@temporalio/workflow';
import { z } from 'zod';
import { WORKFLOW_FAILURES, type Recipe, type RecipeStep } from '../contract';
import { parseDuration } from './durations';
import { fieldProblems, refuse, type FieldProblem } from './refusal';
import { TENCENT_REGIONS } from './regions';
import { duration, imageName, tagKey, tagValue } from './validation';

/** TAT RunCommand Timeout: "取值范围[1, 86400]" seconds (tat 2020-10-28 RunCommandRequest.Timeout). */
const MAX_STEP_SECONDS = 86_400;
/**
 * RunCommand Content: "Base64 编码后的字符串长度不能超过 64KB" (at most 64 KB once base64-encoded), so at most
 * 48 KB raw. A file step travels base64-encoded inside its script (4/3 again): its content is bounded lower.
 */
const MAX_SCRIPT_BYTES = 40_000;
const MAX_FILE_BYTES = 24_000;
const bytes = (s: string) => new TextEncoder().encode(s).length;

const stepTimeout = z.string().refine((s) => {
  const ms = parseDuration(s);
  return ms !== undefined && ms >= 1000 && ms <= MAX_STEP_SECONDS * 1000;
}, 'must be a duration between 1s and 24h such as "90s" or "10m" (TAT RunCommand Timeout is 1–86400 s)');

const step = z
  .strictObject({
    // Part of the TAT CommandName (letters, digits, "_", "-", "." only, at most 60 bytes: RunCommandRequest).
    name: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/,
        'must be 1–40 letters, digits, ".", "_" or "-", starting with a letter or digit',
      ),
    timeout: stepTimeout.optional(),
    shell: z
      .string()
      .min(1, 'must not be empty')
      .refine(
        (s) => bytes(s) <= MAX_SCRIPT_BYTES,
        `must be at most ${MAX_SCRIPT_BYTES} bytes (TAT takes 64 KB of base64)`,
      )
      .optional(),
    file: z
      .strictObject({
        path: z
          .string()
          .regex(/^\/[^\0\n]*$/, 'must be an absolute path')
          .refine((p) => !p.split('/').includes('..'), 'must not contain ".."')
          .refine((p) => !p.endsWith('/'), 'must name a file, not a directory'),
        content: z.string().refine((s) => bytes(s) <= MAX_FILE_BYTES, `must be at most ${MAX_FILE_BYTES} bytes`),
        mode: z
          .string()
          .regex(/^0?[0-7]{3}$/, 'must be an octal file mode such as "0644"')
          .optional(),
      })
      .optional(),
    reboot: z.literal(true, { error: 'must be true' }).optional(),
  })
  .refine(
    (s) => [s.shell, s.file, s.reboot].filter((x) => x !== undefined).length === 1,
    'must have exactly one of shell, file or reboot',
  );

const zone = z
  .string()
  .regex(/^[a-z]{2}-[a-z]+(?:-[a-z]+)?-\d+$/, 'must be an availability zone such as ap-guangzhou-3');

export const recipeSchema = z.strictObject({
  // For editors (yaml-language-server, VS Code): where the JSON Schema is; not used by the workflow.
  $schema: z.string().optional(),
  version: z.literal(1, { error: 'must be 1' }),
  region: z.enum(TENCENT_REGIONS, { error: 'must be a Tencent Cloud region such as ap-guangzhou' }),
  zone,
  instanceType: z.string().regex(/^[A-Z][A-Z0-9]*\.[A-Z0-9]+$/, 'must be a CVM instance type such as S5.MEDIUM4'),
  baseImage: z
    .strictObject({
      imageId: z
        .string()
        .regex(/^img-[a-z0-9]{8}$/, 'must be an image id such as img-487zeit5')
        .optional(),
      osName: z.string().min(1).max(128).optional(),
      platform: z.string().min(1).max(64).optional(),
    })
    .refine(
      (b) => (b.imageId === undefined) !== (b.osName === undefined),
      'must have either imageId or osName (a public image found with DescribeImages)',
    )
    .refine((b) => !(b.imageId && b.platform), 'platform narrows an osName search; not with imageId'),
  image: z.strictObject({
    name: imageName,
    description: z
      .string()
      .refine((s) => s.length <= 256, 'must be at most 256 characters (Tencent limit)')
      .optional(),
    family: z
      .string()
      .regex(
        /^[A-Za-z][A-Za-z0-9._-]{0,59}$/,
        'must start with a letter and hold at most 60 letters, digits, ".", "_" or "-"',
      )
      .optional(),
  }),
  // RunInstances SystemDisk.DiskSize in GiB (default 50); ranges depend on disk type (docs: 213/4952).
  systemDiskGb: z
    .number()
    .int('must be a whole number')
    .min(20, 'must be at least 20')
    .max(2048, 'must be at most 2048')
    .optional(),
  // RunInstances DataDisks: up to 20 cloud disks; DiskSize steps of 10 GiB.
  dataDisks: z
    .array(
      z.strictObject({
        sizeGb: z
          .number()
          .int('must be a whole number')
          .min(10, 'must be at least 10')
          .max(32000, 'must be at most 32000')
          .refine((n) => n % 10 === 0, 'must be a multiple of 10 (RunInstances DataDisk.DiskSize step)'),
        type: z
          .enum(['CLOUD_BASIC', 'CLOUD_PREMIUM', 'CLOUD_SSD', 'CLOUD_HSSD', 'CLOUD_TSSD', 'CLOUD_BSSD'])
          .optional(),
      }),
    )
    .max(20, 'at most 20 data disks')
    .optional(),
  tags: z
    .record(tagKey, tagValue)
    .refine((t) => Object.keys(t).length <= 20, 'at most 20 tags')
    .optional(),
  provision: z.array(step).min(1, 'must list at least one step').max(50, 'at most 50 steps'),
  verify: z.array(step).max(20, 'at most 20 steps').optional(),
  timeouts: z
    .strictObject({
      instance: duration('timeouts.instance').optional(),
      agent: duration('timeouts.agent').optional(),
      image: duration('timeouts.image').optional(),
    })
    .optional(),
});

export const STEP_DEFAULT_TIMEOUT = '10m';

export function invalidRecipe(list: FieldProblem[]): ApplicationFailure {
  return refuse('recipe', WORKFLOW_FAILURES.invalidRecipe, list);
}

/** Validates a recipe; throws one `InvalidRecipe` naming every bad field. */
export function validateRecipe(raw: unknown): Recipe {
  const parsed = recipeSchema.safeParse(raw);
  if (!parsed.success) throw invalidRecipe(fieldProblems(parsed.error));
  const recipe = parsed.data as Recipe;
  const extra: FieldProblem[] = [];
  const zoneNumber = recipe.zone.slice(recipe.region.length + 1);
  if (!(recipe.zone.startsWith(`${recipe.region}-`) && /^\d+$/.test(zoneNumber)))
    extra.push({ field: 'zone', message: `must be a zone of region ${recipe.region}` });
  for (const phase of ['provision', 'verify'] as const) {
    const names = (recipe[phase] ?? []).map((s) => s.name);
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i) extra.push({ field: `${phase}.${i}.name`, message: `repeats step name "${n}"` });
    });
  }
  if (recipe.verify?.some((s) => s.reboot))
    extra.push({ field: 'verify', message: 'verification steps run commands; a reboot belongs in provision' });
  if (extra.length) throw invalidRecipe(extra);
  return recipe;
}

/** A step's timeout in whole seconds (TAT's unit). */
export function stepTimeoutSeconds(s: RecipeStep): number {
  return Math.ceil(parseDuration(s.timeout ?? STEP_DEFAULT_TIMEOUT)! / 1000);
}

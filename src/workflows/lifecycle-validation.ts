/**
 * Input checks of the lifecycle workflows, before any cloud call: every bad field is named in one
 * non-retryable `InvalidLifecycleInput` failure (the CLI runs the same checks before starting anything).
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { z } from 'zod';
import {
  DEFAULT_SNAPSHOT_CURRENCY,
  DEFAULT_SNAPSHOT_PRICE,
  LIFECYCLE_FAILURES,
  REFRESH_SUFFIX_LENGTH,
  type DeleteCustomImageInput,
  type ImageInventoryInput,
  type RefreshCustomImageInput,
  type RefreshFromRecipeInput,
  type RotateImagesInput,
} from '../contract';
import { fieldProblems, refuse } from './refusal';
import { TENCENT_REGIONS } from './regions';

const region = z.enum(TENCENT_REGIONS, { error: 'must be a Tencent Cloud region such as ap-guangzhou' });
const flag = z.boolean({ error: 'must be true or false' }).optional();
const MAX_PREFIX = 60 - REFRESH_SUFFIX_LENGTH;

const schemas = {
  deleteCustomImage: z.strictObject({
    region,
    imageId: z.string().regex(/^img-[a-z0-9]{8}$/, 'must be a custom image id such as img-1a2b3c4d'),
    force: flag,
  }),
  rotateImages: z.strictObject({
    region,
    madeByWorkflowId: z.string().min(1).max(1000).optional(),
    keep: z.number().int('must be a whole number').min(1, 'must be at least 1').max(500, 'must be at most 500'),
    imageFamily: z
      .string()
      .regex(
        /^[A-Za-z][A-Za-z0-9._-]{0,59}$/,
        'must be an image family: a letter, then letters, digits, ".", "_" or "-"',
      )
      .optional(),
    groupByTag: z
      .string()
      .min(1, 'must not be empty')
      .max(127, 'must be at most 127 characters')
      .regex(/^[\p{L}\p{N} +\-=._:/@]*$/u, 'must be a tag key (letters, digits, spaces and + - = . _ : / @)')
      .optional(),
    dryRun: flag,
  }),
  imageInventory: z.strictObject({
    region,
    pricePerGbMonth: z.number().min(0, 'must be ≥ 0').max(1000, 'must be at most 1000').optional(),
    currency: z
      .string()
      .regex(/^[A-Za-z$€¥£]{1,8}$/, 'must be a currency label such as CNY or USD')
      .optional(),
  }),
  refreshCustomImage: z.strictObject({
    pipeline: z.looseObject({
      imageName: z
        .string({ error: 'is required' })
        // UTF-16 units, as Tencent counts the 60-character limit.
        .refine(
          (s) => s.length <= MAX_PREFIX,
          `the name prefix must be at most ${MAX_PREFIX} characters (each run appends a timestamp)`,
        ),
    }),
  }),
};

function fail(workflow: string, error: z.ZodError): ApplicationFailure {
  return refuse(`${workflow} input`, LIFECYCLE_FAILURES.invalidInput, fieldProblems(error));
}

function check<K extends keyof typeof schemas>(workflow: K, raw: unknown): z.infer<(typeof schemas)[K]> {
  const parsed = schemas[workflow].safeParse(raw);
  if (!parsed.success) throw fail(workflow, parsed.error);
  return parsed.data as z.infer<(typeof schemas)[K]>;
}

export function validateDeleteInput(raw: unknown): Required<DeleteCustomImageInput> {
  const input = check('deleteCustomImage', raw);
  return { ...input, force: input.force ?? false };
}

export function validateRotateInput(raw: unknown): RotateImagesInput & { dryRun: boolean } {
  const input = check('rotateImages', raw);
  return { ...input, dryRun: input.dryRun ?? false };
}

export function validateInventoryInput(raw: unknown): Required<ImageInventoryInput> {
  const input = check('imageInventory', raw);
  return {
    region: input.region,
    pricePerGbMonth: input.pricePerGbMonth ?? DEFAULT_SNAPSHOT_PRICE,
    currency: input.currency ?? DEFAULT_SNAPSHOT_CURRENCY,
  };
}

/** Only the name prefix is checked here; createCustomImage validates the whole input with the final name. */
export function validateRefreshInput(raw: unknown): RefreshCustomImageInput | RefreshFromRecipeInput {
  if (raw && typeof raw === 'object' && 'recipe' in raw) {
    // bakeImage validates the whole recipe with its final name; here the input's shape and the prefix.
    const parsed = z
      .strictObject({
        recipe: z.looseObject({
          image: z.looseObject({
            name: z
              .string({ error: 'is required' })
              .refine((s) => s.length <= MAX_PREFIX, `the name prefix must be at most ${MAX_PREFIX} characters`),
          }),
        }),
      })
      .safeParse(raw);
    if (!parsed.success) throw fail('refreshCustomImage', parsed.error);
    return raw as RefreshFromRecipeInput;
  }
  check('refreshCustomImage', raw);
  return raw as RefreshCustomImageInput;
}

/** The problems a validator found, for the CLI (empty when the input is fine). */
export function lifecycleProblems(validate: () => unknown): { field: string; message: string }[] {
  try {
    validate();
    return [];
  } catch (err) {
    if (!(err instanceof ApplicationFailure)) throw err;
    return (err.details?.[0] as { problems?: { field: string; message: string }[] })?.problems ?? [];
  }
}

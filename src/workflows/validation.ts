/**
 * Input validation, before any cloud call: every bad field is named in ONE non-retryable
 * `InvalidPipelineInput` failure. Defaults are applied here, so the rest of the workflow reads plain values.
 */
import type { ApplicationFailure } from '@temporalio/workflow';
import { z } from 'zod';
import {
  WORKFLOW_FAILURES,
  type CreateCustomImageInput,
  type DataDiskMode,
  type FstabMode,
  type ShutdownMode,
} from '../contract';
import { parseDuration } from './durations';
import { fieldProblems, refuse, type FieldProblem } from './refusal';
import { TENCENT_REGIONS } from './regions';

const MAX_DURATION_MS = 7 * 86_400_000;
/** Our own tag prefix and Tencent's reserved ones cannot be set by a user. */
const RESERVED_TAG_PREFIXES = ['cvm-image-pipeline:', 'qcloud', 'tencent', 'project'];

export const DEFAULTS = {
  shutdown: 'auto' as ShutdownMode,
  fstab: 'fix' as FstabMode,
  approvalTimeout: '1h',
  timeouts: { image: '2h', snapshot: '2h', instance: '30m', agent: '10m' },
};

export const duration = (what: string) =>
  z.string().refine((s) => {
    const ms = parseDuration(s);
    return ms !== undefined && ms >= 1000 && ms <= MAX_DURATION_MS;
  }, `${what} must be a duration between 1s and 7d such as "90s", "30m" or "2h"`);

// Letters and digits of any script, space, dot, dash, underscore: nothing a shell or a template expands.
// Lengths in UTF-16 units, as Tencent's API counts them (zod's max counts code points: 31 astral letters pass).
const atMost = (n: number) => (s: string) => s.length <= n;

export const imageName = z
  .string()
  .min(1, 'must not be empty')
  .refine(atMost(60), 'must be at most 60 characters (Tencent limit)')
  .regex(
    /^[\p{L}\p{N}](?:[\p{L}\p{N} ._-]*[\p{L}\p{N}._-])?$/u,
    'may hold letters, digits, spaces, ".", "_" and "-" only, starting with a letter or digit',
  );

const tagText = /^[\p{L}\p{N} +\-=._:/@]*$/u;
export const tagKey = z
  .string()
  .min(1, 'tag keys must not be empty')
  .max(127, 'tag keys must be at most 127 characters')
  .regex(tagText, 'tag keys may hold letters, digits, spaces and + - = . _ : / @ only')
  .refine((k) => !RESERVED_TAG_PREFIXES.some((p) => k.toLowerCase().startsWith(p)), 'tag key uses a reserved prefix');
export const tagValue = z
  .string()
  .max(255, 'must be at most 255 characters')
  .regex(tagText, 'may hold letters, digits, spaces and + - = . _ : / @ only');

const schema = z.strictObject({
  region: z.enum(TENCENT_REGIONS, { error: `must be a Tencent Cloud region such as ap-guangzhou` }),
  instanceId: z.string().regex(/^ins-[a-z0-9]{8}$/, 'must be a CVM instance id such as ins-1a2b3c4d'),
  imageName,
  imageDescription: z
    .string()
    .refine(atMost(256), 'must be at most 256 characters (Tencent limit)')
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters')
    .optional(),
  imageFamily: z
    .string()
    .regex(
      /^[A-Za-z][A-Za-z0-9._-]{0,59}$/,
      'must start with a letter and hold at most 60 letters, digits, ".", "_" or "-"',
    )
    .optional(),
  tags: z
    .record(tagKey, tagValue)
    .refine((t) => Object.keys(t).length <= 20, 'at most 20 tags')
    .optional(),
  shutdown: z.enum(['auto', 'always', 'never']).optional(),
  dataDisks: z.enum(['snapshot', 'include', 'exclude']).optional(),
  fstab: z.enum(['fix', 'check', 'ignore']).optional(),
  approval: z
    .strictObject({
      required: z.boolean({ error: 'must be true or false' }),
      timeout: duration('approval.timeout').optional(),
    })
    .optional(),
  launch: z
    .strictObject({
      count: z.number().int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100'),
      instanceType: z
        .string()
        .regex(/^[A-Z][A-Z0-9]*\.[A-Z0-9]+$/, 'must be a CVM instance type such as S5.MEDIUM4')
        .optional(),
      zone: z
        .string()
        .regex(/^[a-z]{2}-[a-z]+(?:-[a-z]+)?-\d+$/, 'must be an availability zone such as ap-guangzhou-3')
        .optional(),
      keep: z.boolean({ error: 'must be true or false' }).optional(),
    })
    .optional(),
  timeouts: z
    .strictObject({
      image: duration('timeouts.image').optional(),
      snapshot: duration('timeouts.snapshot').optional(),
      instance: duration('timeouts.instance').optional(),
      agent: duration('timeouts.agent').optional(),
    })
    .optional(),
  dryRun: z.boolean({ error: 'must be true or false' }).optional(),
  rotateWhenFull: z
    .strictObject({
      keep: z.number().int('must be a whole number').min(1, 'must be at least 1').max(500, 'must be at most 500'),
    })
    .optional(),
  copyToRegions: z
    .array(z.enum(TENCENT_REGIONS, { error: 'must be a Tencent Cloud region such as ap-shanghai' }))
    .max(20, 'at most 20 regions')
    .refine((r) => new Set(r).size === r.length, 'must not repeat a region')
    .optional(),
  shareWith: z
    .array(z.string().regex(/^\d{5,20}$/, 'must be a Tencent Cloud account id (digits)'))
    .max(50, 'at most 50 accounts')
    .refine((a) => new Set(a).size === a.length, 'must not repeat an account')
    .optional(),
});

/** The input with every default applied and every duration in milliseconds. */
export interface PipelineInput {
  region: string;
  instanceId: string;
  imageName: string;
  imageDescription?: string;
  imageFamily?: string;
  tags: Record<string, string>;
  shutdown: ShutdownMode;
  /** Undefined: decided after inspection (snapshot when the instance has data disks). */
  dataDisks?: DataDiskMode;
  fstab: FstabMode;
  approval: { required: boolean; timeoutMs: number };
  launch?: { count: number; instanceType?: string; zone?: string; keep: boolean };
  timeoutsMs: { image: number; snapshot: number; instance: number; agent: number };
  dryRun: boolean;
  rotateWhenFull?: { keep: number };
  copyToRegions: string[];
  shareWith: string[];
}

export type { FieldProblem } from './refusal';

/** One non-retryable `InvalidPipelineInput` naming every bad field (bounded in size: refusal.ts). */
export function invalidInput(list: FieldProblem[]): ApplicationFailure {
  return refuse('createCustomImage input', WORKFLOW_FAILURES.invalidInput, list);
}

/** zod strips a JSON "__proto__" key from records: refuse it rather than drop the tag silently. */
function protoTag(raw: unknown): FieldProblem[] {
  const tags = (raw as { tags?: unknown } | null)?.tags;
  return tags && typeof tags === 'object' && Object.hasOwn(tags, '__proto__')
    ? [{ field: 'tags.__proto__', message: 'is not allowed as a tag key' }]
    : [];
}

/** Validates and normalises; throws one `InvalidPipelineInput` naming every bad field. */
export function validateInput(raw: unknown): PipelineInput {
  const parsed = schema.safeParse(raw);
  const proto = protoTag(raw);
  if (!parsed.success || proto.length)
    throw invalidInput([...(parsed.error ? fieldProblems(parsed.error) : []), ...proto]);
  const input = parsed.data as CreateCustomImageInput;
  const extra: FieldProblem[] = [];
  // A zone is its region plus a number: ap-shanghai-fsi-1 belongs to ap-shanghai-fsi, not ap-shanghai.
  const zoneNumber = input.launch?.zone?.slice(input.region.length + 1);
  if (input.launch?.zone && !(input.launch.zone.startsWith(`${input.region}-`) && /^\d+$/.test(zoneNumber!))) {
    extra.push({ field: 'launch.zone', message: `must be a zone of region ${input.region}` });
  }
  if (input.copyToRegions?.includes(input.region)) {
    extra.push({ field: 'copyToRegions', message: `must not include the image's own region ${input.region}` });
  }
  if (extra.length) throw invalidInput(extra);
  const t = { ...DEFAULTS.timeouts, ...input.timeouts };
  return {
    region: input.region,
    instanceId: input.instanceId,
    imageName: input.imageName,
    imageDescription: input.imageDescription,
    imageFamily: input.imageFamily,
    tags: input.tags ?? {},
    shutdown: input.shutdown ?? DEFAULTS.shutdown,
    dataDisks: input.dataDisks,
    fstab: input.fstab ?? DEFAULTS.fstab,
    approval: {
      required: input.approval?.required ?? false,
      timeoutMs: parseDuration(input.approval?.timeout ?? DEFAULTS.approvalTimeout)!,
    },
    launch: input.launch && { ...input.launch, keep: input.launch.keep ?? false },
    timeoutsMs: {
      image: parseDuration(t.image)!,
      snapshot: parseDuration(t.snapshot)!,
      instance: parseDuration(t.instance)!,
      agent: parseDuration(t.agent)!,
    },
    dryRun: input.dryRun ?? false,
    rotateWhenFull: input.rotateWhenFull,
    copyToRegions: input.copyToRegions ?? [],
    shareWith: input.shareWith ?? [],
  };
}

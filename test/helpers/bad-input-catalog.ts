/**
 * The bad-input catalog: malformed and hostile inputs to createCustomImage, each of which validation must
 * refuse on input alone with one non-retryable failure naming the field. Checked case by case as unit tests
 * of validation (test/unit/bad-input.test.ts) and end to end for a few (test/integration/bad-input.test.ts).
 */
import type { CreateCustomImageInput } from '../../src/contract';

export const CATALOG_REGION = 'ap-guangzhou';
export const CATALOG_INSTANCE = 'ins-1a2b3c4d';
const REGION = CATALOG_REGION;
const instanceId = CATALOG_INSTANCE;
const ok = (): CreateCustomImageInput => ({ region: REGION, instanceId, imageName: 'catalog-ok' });
const json = (text: string) => JSON.parse(text) as unknown;

export interface Case {
  name: string;
  input: () => unknown;
  /** The field the failure must name (as `field:` in the message). */
  field: string;
  /** What the message must also say, where a generic "invalid" would not tell the operator why. */
  says?: RegExp;
}

/** Refused on input alone: not a single request may reach the cloud. */
export const CATALOG: Case[] = [
  // Not an object at all.
  { name: 'null input', input: () => null, field: 'input' },
  { name: 'an array', input: () => [ok()], field: 'input' },
  { name: 'a string', input: () => 'ins-1a2b3c4d', field: 'input' },
  // Required fields.
  { name: 'missing region', input: () => ({ ...ok(), region: undefined }), field: 'region' },
  { name: 'missing instanceId', input: () => ({ ...ok(), instanceId: undefined }), field: 'instanceId' },
  { name: 'missing imageName', input: () => ({ ...ok(), imageName: undefined }), field: 'imageName' },
  // Regions.
  { name: 'unknown region', input: () => ({ ...ok(), region: 'ap-atlantis' }), field: 'region' },
  { name: 'region in upper case', input: () => ({ ...ok(), region: 'AP-GUANGZHOU' }), field: 'region' },
  { name: 'region with a trailing space', input: () => ({ ...ok(), region: 'ap-guangzhou ' }), field: 'region' },
  { name: 'region as a number', input: () => ({ ...ok(), region: 42 }), field: 'region' },
  // Instance ids.
  { name: 'instance id too short', input: () => ({ ...ok(), instanceId: 'ins-1a2b3c4' }), field: 'instanceId' },
  { name: 'instance id of another kind', input: () => ({ ...ok(), instanceId: 'img-1a2b3c4d' }), field: 'instanceId' },
  { name: 'instance id in upper case', input: () => ({ ...ok(), instanceId: 'INS-1A2B3C4D' }), field: 'instanceId' },
  {
    name: 'instance id with a shell command',
    input: () => ({ ...ok(), instanceId: 'ins-1a2b3c4d; rm -rf /' }),
    field: 'instanceId',
  },
  { name: 'instance id with a newline', input: () => ({ ...ok(), instanceId: 'ins-1a2b3c4d\n' }), field: 'instanceId' },
  { name: 'instance id as an array', input: () => ({ ...ok(), instanceId: ['ins-1a2b3c4d'] }), field: 'instanceId' },
  // Image names: length, and injection attempts.
  { name: 'name of 61 characters', input: () => ({ ...ok(), imageName: 'n'.repeat(61) }), field: 'imageName' },
  {
    name: 'name of 31 astral letters (62 UTF-16 units, over Tencent\u2019s 60)',
    input: () => ({ ...ok(), imageName: '\u{1D400}'.repeat(31) }),
    field: 'imageName',
  },
  { name: 'empty name', input: () => ({ ...ok(), imageName: '' }), field: 'imageName' },
  { name: 'name with $(command)', input: () => ({ ...ok(), imageName: 'img-$(reboot)' }), field: 'imageName' },
  { name: 'name with backticks', input: () => ({ ...ok(), imageName: 'img`id`' }), field: 'imageName' },
  { name: 'name with ; rm -rf /', input: () => ({ ...ok(), imageName: 'img; rm -rf /' }), field: 'imageName' },
  {
    name: 'name with a script tag',
    input: () => ({ ...ok(), imageName: '<script>alert(1)</script>' }),
    field: 'imageName',
  },
  { name: 'name that is a path', input: () => ({ ...ok(), imageName: '../../etc/passwd' }), field: 'imageName' },
  { name: 'name starting with a dash', input: () => ({ ...ok(), imageName: '--force' }), field: 'imageName' },
  {
    name: 'name with a right-to-left override',
    input: () => ({ ...ok(), imageName: 'invoice\u202Egpj.exe' }),
    field: 'imageName',
  },
  { name: 'name with a NUL byte', input: () => ({ ...ok(), imageName: 'img\u0000x' }), field: 'imageName' },
  { name: 'name as a number', input: () => ({ ...ok(), imageName: 12345 }), field: 'imageName' },
  {
    name: 'name of one megabyte',
    input: () => ({ ...ok(), imageName: 'n'.repeat(1024 * 1024) }),
    field: 'imageName',
  },
  // Descriptions and families.
  {
    name: 'description of 257 characters',
    input: () => ({ ...ok(), imageDescription: 'd'.repeat(257) }),
    field: 'imageDescription',
  },
  {
    name: 'description with control characters',
    input: () => ({ ...ok(), imageDescription: 'line1\r\nline2\u001b[31m' }),
    field: 'imageDescription',
  },
  { name: 'family starting with a digit', input: () => ({ ...ok(), imageFamily: '1family' }), field: 'imageFamily' },
  // Tags: injection, spoofing our own run tag, Tencent's reserved prefixes, sizes, types.
  { name: 'tag value with $(command)', input: () => ({ ...ok(), tags: { team: '$(id)' } }), field: 'tags.team' },
  {
    name: 'tag value with a JNDI lookup',
    input: () => ({ ...ok(), tags: { team: '${jndi:ldap://x/a}' } }),
    field: 'tags.team',
  },
  { name: 'tag value with a newline', input: () => ({ ...ok(), tags: { team: 'a\nb' } }), field: 'tags.team' },
  { name: 'tag key with a quote', input: () => ({ ...ok(), tags: { "te'am": 'x' } }), field: "tags.te'am" },
  {
    name: 'tag spoofing the run tag',
    input: () => ({ ...ok(), tags: { 'cvm-image-pipeline:workflow-id': 'someone-else' } }),
    field: 'tags.cvm-image-pipeline:workflow-id',
    says: /reserved prefix/,
  },
  {
    name: 'tag spoofing the run tag in upper case',
    input: () => ({ ...ok(), tags: { 'CVM-IMAGE-PIPELINE:run-id': 'x' } }),
    field: 'tags.CVM-IMAGE-PIPELINE:run-id',
    says: /reserved prefix/,
  },
  {
    name: 'tag with a reserved qcloud prefix',
    input: () => ({ ...ok(), tags: { 'qcloud:owner': 'x' } }),
    field: 'tags.qcloud:owner',
    says: /reserved prefix/,
  },
  {
    name: 'tag named __proto__ (silently dropped otherwise)',
    input: () => json(`{"region":"${REGION}","instanceId":"${instanceId}","imageName":"p","tags":{"__proto__":"x"}}`),
    field: 'tags.__proto__',
    says: /not allowed as a tag key/,
  },
  {
    name: '21 tags',
    input: () => ({ ...ok(), tags: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) }),
    field: 'tags',
  },
  {
    name: '10 000 tags',
    input: () => ({ ...ok(), tags: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, 'v'])) }),
    field: 'tags',
  },
  { name: 'tag value of 256 characters', input: () => ({ ...ok(), tags: { a: 'v'.repeat(256) } }), field: 'tags.a' },
  { name: 'tag value as a number', input: () => ({ ...ok(), tags: { a: 1 } }), field: 'tags.a' },
  { name: 'tags as an array', input: () => ({ ...ok(), tags: ['a=b'] }), field: 'tags' },
  // Enumerations.
  { name: 'unknown shutdown mode', input: () => ({ ...ok(), shutdown: 'maybe' }), field: 'shutdown' },
  { name: 'unknown data-disk mode', input: () => ({ ...ok(), dataDisks: 'all' }), field: 'dataDisks' },
  { name: 'unknown fstab mode', input: () => ({ ...ok(), fstab: 'rewrite' }), field: 'fstab' },
  // Approval, launch, timeouts, dry run.
  {
    name: 'approval.required as a string',
    input: () => ({ ...ok(), approval: { required: 'yes' } }),
    field: 'approval.required',
  },
  {
    name: 'approval timeout of 8 days',
    input: () => ({ ...ok(), approval: { required: true, timeout: '8d' } }),
    field: 'approval.timeout',
  },
  { name: 'launch of 0 instances', input: () => ({ ...ok(), launch: { count: 0 } }), field: 'launch.count' },
  { name: 'launch of 101 instances', input: () => ({ ...ok(), launch: { count: 101 } }), field: 'launch.count' },
  { name: 'launch of 1.5 instances', input: () => ({ ...ok(), launch: { count: 1.5 } }), field: 'launch.count' },
  { name: 'launch count as a string', input: () => ({ ...ok(), launch: { count: '1' } }), field: 'launch.count' },
  {
    name: 'launch instance type in lower case',
    input: () => ({ ...ok(), launch: { count: 1, instanceType: 's5.medium4' } }),
    field: 'launch.instanceType',
  },
  {
    name: 'launch zone of another region',
    input: () => ({ ...ok(), launch: { count: 1, zone: 'ap-shanghai-2' } }),
    field: 'launch.zone',
  },
  {
    name: 'launch zone of another region sharing the prefix',
    input: () => ({ ...ok(), region: 'ap-shanghai', launch: { count: 1, zone: 'ap-shanghai-fsi-1' } }),
    field: 'launch.zone',
  },
  {
    name: 'image timeout of 500 ms',
    input: () => ({ ...ok(), timeouts: { image: '500ms' } }),
    field: 'timeouts.image',
  },
  {
    name: 'timeout that is not a duration',
    input: () => ({ ...ok(), timeouts: { snapshot: 'soon' } }),
    field: 'timeouts.snapshot',
  },
  { name: 'dryRun as a string', input: () => ({ ...ok(), dryRun: 'false' }), field: 'dryRun' },
  // Unknown fields: typos and prototype tricks are refused, not ignored.
  { name: 'a misspelt field', input: () => ({ ...ok(), imageNmae: 'x' }), field: 'imageNmae' },
  {
    name: 'an unknown nested field',
    input: () => ({ ...ok(), launch: { count: 1, keepp: true } }),
    field: 'launch.keepp',
  },
  {
    name: 'a __proto__ field',
    input: () =>
      json(`{"region":"${REGION}","instanceId":"${instanceId}","imageName":"p","__proto__":{"dryRun":true}}`),
    field: '__proto__',
  },
];

import { ApplicationFailure } from '@temporalio/common';
import { validateInput } from '../../src/workflows/validation';

const valid = { region: 'ap-guangzhou', instanceId: 'ins-1a2b3c4d', imageName: 'web-2024.06' };

function failureOf(input: unknown): ApplicationFailure {
  try {
    validateInput(input);
  } catch (err) {
    return err as ApplicationFailure;
  }
  throw new Error('expected validateInput to throw');
}

const fields = (f: ApplicationFailure) =>
  ((f.details?.[0] as { problems: { field: string }[] }).problems ?? []).map((p) => p.field).sort();

describe('validateInput', () => {
  it('applies the documented defaults to a minimal input', () => {
    const v = validateInput(valid);
    expect(v).toMatchObject({
      shutdown: 'auto',
      fstab: 'fix',
      dataDisks: undefined,
      tags: {},
      approval: { required: false, timeoutMs: 3_600_000 },
      timeoutsMs: { image: 7_200_000, snapshot: 7_200_000, instance: 1_800_000, agent: 600_000 },
      dryRun: false,
    });
    expect(v.launch).toBeUndefined();
  });

  it('converts durations and keeps explicit choices', () => {
    const v = validateInput({
      ...valid,
      shutdown: 'never',
      dataDisks: 'include',
      fstab: 'check',
      approval: { required: true, timeout: '1h30m' },
      launch: { count: 2, zone: 'ap-guangzhou-3', instanceType: 'S5.MEDIUM4' },
      timeouts: { image: '45m', agent: '90s' },
      tags: { team: 'web', 'cost-center': '42' },
    });
    expect(v.approval.timeoutMs).toBe(5_400_000);
    expect(v.timeoutsMs.image).toBe(2_700_000);
    expect(v.timeoutsMs.agent).toBe(90_000);
    expect(v.launch).toEqual({ count: 2, zone: 'ap-guangzhou-3', instanceType: 'S5.MEDIUM4', keep: false });
    expect(v.tags).toEqual({ team: 'web', 'cost-center': '42' });
  });

  it('names every bad field in one non-retryable InvalidPipelineInput failure', () => {
    const f = failureOf({
      region: 'mars-1',
      instanceId: 'i-123',
      imageName: 'x'.repeat(61),
      imageDescription: 'd'.repeat(257),
      shutdown: 'sometimes',
      launch: { count: 0, keep: 'yes' },
      approval: { required: true, timeout: 'forever' },
      timeouts: { image: '0s' },
      tags: { 'cvm-image-pipeline:workflow-id': 'spoof' },
      colour: 'blue',
    });
    expect(f).toBeInstanceOf(ApplicationFailure);
    expect(f.type).toBe('InvalidPipelineInput');
    expect(f.nonRetryable).toBe(true);
    expect(fields(f)).toEqual(
      [
        'approval.timeout',
        'colour',
        'imageDescription',
        'imageName',
        'instanceId',
        'launch.count',
        'launch.keep',
        'region',
        'shutdown',
        'tags.cvm-image-pipeline:workflow-id',
        'timeouts.image',
      ].sort(),
    );
    for (const field of ['region', 'instanceId', 'imageName', 'colour']) expect(f.message).toContain(`${field}:`);
  });

  it.each([['$(reboot)'], ['name; rm -rf /'], ['`id`'], ['a\nb'], [' leading-space'], ['']])(
    'refuses the image name %j',
    (imageName) => {
      expect(fields(failureOf({ ...valid, imageName }))).toEqual(['imageName']);
    },
  );

  it('accepts names in other scripts', () => {
    expect(validateInput({ ...valid, imageName: '웹서버 이미지_1' }).imageName).toBe('웹서버 이미지_1');
  });

  it('refuses a launch zone outside the region', () => {
    expect(fields(failureOf({ ...valid, launch: { count: 1, zone: 'ap-shanghai-2' } }))).toEqual(['launch.zone']);
  });

  it('refuses input that is not an object, and missing required fields', () => {
    expect(fields(failureOf('{"region":"ap-guangzhou"}'))).toEqual(['input']);
    expect(fields(failureOf(null))).toEqual(['input']);
    expect(fields(failureOf({}))).toEqual(['imageName', 'instanceId', 'region']);
  });

  it('refuses wrong types and huge payloads by field', () => {
    const f = failureOf({
      ...valid,
      dryRun: 'true',
      tags: Object.fromEntries([...Array(25)].map((_, i) => [`k${i}`, 'v'])),
    });
    expect(fields(f)).toEqual(['dryRun', 'tags']);
    expect(fields(failureOf({ ...valid, tags: { ok: 'x'.repeat(300) } }))).toEqual(['tags.ok']);
  });
});

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tatCommandName } from '../../src/activities/tat';
import { validCommandName } from '../../src/emulator/tat/commands';
import { join } from 'node:path';
import { COMMON_ERROR_CODES, documentedErrors, isDocumentedError } from '../../src/tencent';
import { ApiError } from '../../src/emulator/core/errors';
import { documentedOnly, shapeResponse, validateRequest } from '../../src/emulator/core/model';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return (err as ApiError).code;
  }
  return undefined;
};

describe('emulator requests checked against the vendored API models', () => {
  it('refuses unknown, mistyped and missing members by name, at any depth', () => {
    expect(codeOf(() => validateRequest('2017-03-12', 'SyncImages', { ImageIds: ['img-1'] }))).toBe('MissingParameter');
    expect(
      codeOf(() => validateRequest('2017-03-12', 'SyncImages', { ImageIds: ['img-1'], DestinationRegions: 'x' })),
    ).toBe('InvalidParameter');
    expect(codeOf(() => validateRequest('2017-03-12', 'StopInstances', { InstanceIds: ['i'], DryRun: true }))).toBe(
      'UnknownParameter',
    );
    expect(
      codeOf(() => validateRequest('2017-03-12', 'DescribeImages', { Filters: [{ Name: 'x', Values: ['y'], Z: 1 }] })),
    ).toBe('UnknownParameter');
    expect(codeOf(() => validateRequest('2017-03-12', 'DescribeImages', { Limit: 'ten' }))).toBe('InvalidParameter');
    expect(codeOf(() => validateRequest('2017-03-12', 'DescribeImages', { Limit: -1 }))).toBe('InvalidParameter');
    // Flattened GET/form requests carry scalars as strings.
    expect(codeOf(() => validateRequest('2017-03-12', 'DescribeImages', { Limit: '10', Offset: 0 }))).toBeUndefined();
    expect(
      codeOf(() =>
        validateRequest('2020-10-28', 'RunCommand', { Content: 'ZWNobw==', InstanceIds: ['ins-1'], Timeout: 60 }),
      ),
    ).toBeUndefined();
  });

  it('keeps only the members the output model declares', () => {
    const shaped = shapeResponse('2017-03-12', 'DescribeImages', {
      TotalCount: 1,
      Invented: true,
      ImageSet: [
        { ImageId: 'img-1', ImageSource: 'CREATE_IMAGE', Secret: 'x', Tags: [{ Key: 'k', Value: 'v', X: 1 }] },
      ],
    });
    expect(shaped).toEqual({
      TotalCount: 1,
      ImageSet: [{ ImageId: 'img-1', ImageSource: 'CREATE_IMAGE', Tags: [{ Key: 'k', Value: 'v' }] }],
    });
  });

  it('lets only documented codes out of a handler', async () => {
    await expect(
      documentedOnly('CreateImage', () => Promise.reject(new ApiError('InvalidImageName.Duplicate', 'd'))),
    ).rejects.toMatchObject({ code: 'InvalidImageName.Duplicate' });
    await expect(
      documentedOnly('CreateImage', () => Promise.reject(new ApiError('InvalidInstanceId.Malformed', 'm'))),
    ).rejects.toMatchObject({ code: 'InvalidInstanceId.NotFound' });
    await expect(
      documentedOnly('CreateImage', () => Promise.reject(new ApiError('SYNC_IMAGE.Invented', 'x'))),
    ).rejects.toMatchObject({ code: 'InternalError' });
  });
});

/** Static sweep: every error-code literal in the emulator's sources is documented somewhere we serve. */
describe('emulator error codes sweep', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
    });
  const literal = /(?:new ApiError|notFound)\(\s*'([A-Za-z][A-Za-z0-9.]*)'/g;
  const found = files(join(__dirname, '../../src/emulator')).flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(literal)].map((m) => ({ file: f, code: m[1] })),
  );

  it('finds the codes', () => {
    expect(found.length).toBeGreaterThan(40);
  });

  it('answers no code outside every served action’s documented list and the common list', () => {
    const all = new Set([...COMMON_ERROR_CODES, ...[...documentedErrors().values()].flatMap((a) => a.errors)]);
    expect(found.filter((f) => !all.has(f.code))).toEqual([]);
  });

  it('knows which action documents what', () => {
    expect(isDocumentedError('RunCommand', 'InvalidParameterValue.InvalidCommandName')).toBe(true);
    expect(isDocumentedError('CreateImage', 'UnsupportedOperation.InstanceStateRunning')).toBe(false);
    expect(isDocumentedError('DescribeImages', 'RequestLimitExceeded')).toBe(true);
  });
});

describe('TAT command names', () => {
  it('the pipeline only sends names RunCommand accepts', () => {
    for (const name of ['cvm-image-pipeline fstab-check', 'a/b c', ' ', 'x'.repeat(80), 'ok.name_1-2']) {
      expect(validCommandName(tatCommandName(name))).toBe(true);
    }
    expect(tatCommandName('cvm-image-pipeline.fstab-check')).toBe('cvm-image-pipeline.fstab-check');
    expect(validCommandName('cvm-image-pipeline fstab-check')).toBe(false);
  });
});

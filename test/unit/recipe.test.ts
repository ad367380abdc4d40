import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { parseRecipe, readRecipe, recipeJsonSchema } from '../../src/client/recipe-file';
import { stepTimeoutSeconds, validateRecipe } from '../../src/workflows/recipe-validation';

const minimal = {
  version: 1,
  region: 'ap-guangzhou',
  zone: 'ap-guangzhou-3',
  instanceType: 'S5.MEDIUM2',
  baseImage: { osName: 'Ubuntu Server 22.04 LTS 64bit' },
  image: { name: 'web-1' },
  provision: [{ name: 'hello', shell: 'echo hi' }],
};

function problems(raw: unknown): { field: string; message: string }[] {
  try {
    validateRecipe(raw);
  } catch (err) {
    const f = err as ApplicationFailure;
    expect(f.type).toBe('InvalidRecipe');
    expect(f.nonRetryable).toBe(true);
    return (f.details?.[0] as { problems: { field: string; message: string }[] }).problems;
  }
  throw new Error('expected validateRecipe to throw');
}

const fields = (raw: unknown) => problems(raw).map((p) => p.field);

describe('recipe validation', () => {
  it('accepts a minimal recipe and the two examples', async () => {
    expect(validateRecipe(minimal).provision).toHaveLength(1);
    const nginx = await readRecipe(join(__dirname, '../../recipes/nginx-ubuntu.yaml'));
    expect(nginx.provision.map((s) => s.name)).toEqual(['install-nginx', 'home-page', 'reboot']);
    const hello = await readRecipe(join(__dirname, '../../recipes/hello-service.yaml'));
    expect(hello.dataDisks).toEqual([{ sizeGb: 50, type: 'CLOUD_PREMIUM' }]);
  });

  it('names each bad field', () => {
    expect(fields({ ...minimal, region: 'mars-1' })).toEqual(['region']);
    expect(fields({ ...minimal, zone: 'ap-shanghai-2' })).toEqual(['zone']);
    expect(fields({ ...minimal, instanceType: 's5' })).toEqual(['instanceType']);
    expect(fields({ ...minimal, baseImage: {} })).toEqual(['baseImage']);
    expect(fields({ ...minimal, baseImage: { imageId: 'img-487zeit5', osName: 'x' } })).toEqual(['baseImage']);
    expect(fields({ ...minimal, dataDisks: [{ sizeGb: 55 }] })).toEqual(['dataDisks.0.sizeGb']);
    expect(fields({ ...minimal, image: { name: 'bad$name' } })).toEqual(['image.name']);
    expect(fields({ ...minimal, provision: [] })).toEqual(['provision']);
    expect(fields({ ...minimal, colour: 'red' })).toEqual(['colour']);
  });

  it('checks steps: one action each, TAT command names and timeouts, unique names', () => {
    expect(fields({ ...minimal, provision: [{ name: 'a', shell: 'x', reboot: true }] })).toEqual(['provision.0']);
    expect(fields({ ...minimal, provision: [{ name: 'a' }] })).toEqual(['provision.0']);
    expect(fields({ ...minimal, provision: [{ name: 'has space', shell: 'x' }] })).toEqual(['provision.0.name']);
    expect(fields({ ...minimal, provision: [{ name: 'a', shell: 'x', timeout: '25h' }] })).toEqual([
      'provision.0.timeout',
    ]);
    expect(fields({ ...minimal, provision: [{ name: 'a', file: { path: 'etc/x', content: '' } }] })).toEqual([
      'provision.0.file.path',
    ]);
    expect(fields({ ...minimal, provision: [{ name: 'a', file: { path: '/etc/../x', content: '' } }] })).toEqual([
      'provision.0.file.path',
    ]);
    expect(
      fields({
        ...minimal,
        provision: [
          { name: 'a', shell: 'x' },
          { name: 'a', shell: 'y' },
        ],
      }),
    ).toEqual(['provision.1.name']);
    expect(fields({ ...minimal, verify: [{ name: 'r', reboot: true }] })).toEqual(['verify']);
    // RunCommand Content: at most 64 KB of base64.
    expect(fields({ ...minimal, provision: [{ name: 'big', shell: 'x'.repeat(50_000) }] })).toEqual([
      'provision.0.shell',
    ]);
  });

  it('gives step timeouts in seconds, 10 minutes by default', () => {
    expect(stepTimeoutSeconds({ name: 'a', shell: 'x' })).toBe(600);
    expect(stepTimeoutSeconds({ name: 'a', shell: 'x', timeout: '90s' })).toBe(90);
  });

  it('reads YAML and JSON, refusing a duplicate key and a syntax error with the file named', () => {
    expect(parseRecipe(JSON.stringify(minimal)).image.name).toBe('web-1');
    expect(() => parseRecipe('version: 1\nversion: 1\n', 'r.yaml')).toThrow(/r\.yaml: not valid YAML/);
    expect(() => parseRecipe('{ "version": ', 'r.json')).toThrow(/r\.json: not valid YAML/);
  });

  it('publishes the JSON Schema made from the same zod schema', () => {
    const file = JSON.parse(readFileSync(join(__dirname, '../../recipes/recipe.schema.json'), 'utf8'));
    expect(file).toEqual(recipeJsonSchema()); // regenerate: npx tsx scripts/recipe-schema.ts
    expect(file.required).toEqual(expect.arrayContaining(['region', 'zone', 'baseImage', 'provision']));
  });
});

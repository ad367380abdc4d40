import { CommanderError, type Command } from 'commander';
import { Writable } from 'node:stream';
import {
  describeProblems,
  flagForField,
  inputFromFlags,
  parsePositiveInt,
  parseTag,
  resolveWorkflowId,
} from '../../src/cli/input-flags';
import { validateInput } from '../../src/workflows/validation';
import { buildProgram } from '../../src/cli/program';

const required = { region: 'ap-guangzhou', instanceId: 'ins-abc12345', imageName: 'web-base' };

describe('inputFromFlags', () => {
  it('passes only what was given, so the workflow defaults apply', () => {
    expect(inputFromFlags(required)).toEqual(required);
  });

  it('maps every flag onto its input field', () => {
    expect(
      inputFromFlags({
        ...required,
        description: 'd',
        family: 'web',
        tag: { team: 'web', env: 'prod' },
        shutdown: 'always',
        dataDisks: 'include',
        fstab: 'check',
        approvalTimeout: '30m',
        launch: 2,
        launchInstanceType: 'S5.MEDIUM4',
        launchZone: 'ap-guangzhou-3',
        launchKeep: true,
        imageTimeout: '2h',
        snapshotTimeout: '1h',
        instanceTimeout: '10m',
        dryRun: true,
      }),
    ).toEqual({
      ...required,
      imageDescription: 'd',
      imageFamily: 'web',
      tags: { team: 'web', env: 'prod' },
      shutdown: 'always',
      dataDisks: 'include',
      fstab: 'check',
      approval: { required: true, timeout: '30m' },
      launch: { count: 2, instanceType: 'S5.MEDIUM4', zone: 'ap-guangzhou-3', keep: true },
      timeouts: { image: '2h', snapshot: '1h', instance: '10m' },
      dryRun: true,
    });
  });

  it('maps the lifecycle flags: rotation when the quota is full, copies and shares', () => {
    expect(
      inputFromFlags({
        ...required,
        rotateWhenFull: 3,
        copyToRegion: ['ap-shanghai', 'ap-beijing'],
        shareWith: ['100012345678'],
      }),
    ).toEqual({
      ...required,
      rotateWhenFull: { keep: 3 },
      copyToRegions: ['ap-shanghai', 'ap-beijing'],
      shareWith: ['100012345678'],
    });
  });

  it('parses repeatable lifecycle flags from the command line', async () => {
    const program = buildProgram();
    const create = program.commands.find((c) => c.name() === 'create')!;
    create.action(() => undefined);
    await program.parseAsync(
      ['create', ...['--region', 'ap-guangzhou', '--instance-id', 'ins-abc12345', '--image-name', 'web']]
        .concat(['--copy-to-region', 'ap-shanghai', '--copy-to-region', 'ap-beijing', '--share-with', '100012345678'])
        .concat(['--rotate-when-full', '2']),
      { from: 'user' },
    );
    expect(inputFromFlags(create.opts() as never)).toMatchObject({
      rotateWhenFull: { keep: 2 },
      copyToRegions: ['ap-shanghai', 'ap-beijing'],
      shareWith: ['100012345678'],
    });
  });

  it('--approval alone requires approval without a timeout', () => {
    expect(inputFromFlags({ ...required, approval: true }).approval).toEqual({ required: true });
  });

  it('refuses launch options without a launch count', () => {
    expect(() => inputFromFlags({ ...required, launchKeep: true })).toThrow(/need --launch <count>/);
  });
});

/** Leaf paths of a JSON object, e.g. launch.count. */
function leaves(value: object, prefix = ''): string[] {
  return Object.entries(value).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v) ? leaves(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('validation problems name the flag to fix', () => {
  it('knows the flag of every field a create command can set', () => {
    const all = inputFromFlags({
      ...required,
      description: 'd',
      family: 'f',
      tag: { team: 'web' },
      shutdown: 'never',
      dataDisks: 'exclude',
      fstab: 'ignore',
      approvalTimeout: '5m',
      launch: 1,
      launchInstanceType: 't',
      launchZone: 'z',
      launchKeep: true,
      imageTimeout: '1h',
      snapshotTimeout: '1h',
      instanceTimeout: '1h',
      dryRun: true,
      rotateWhenFull: 2,
      copyToRegion: ['ap-shanghai'],
      shareWith: ['100012345678'],
    });
    const fields = leaves(all).flatMap((f) =>
      Array.isArray((all as unknown as Record<string, unknown>)[f]) ? [f, `${f}.0`] : [f],
    );
    const unmapped = fields.filter((field) => !flagForField(field));
    expect(unmapped).toEqual([]);
  });

  it("turns the workflow validator's problems into flag-named lines", () => {
    let problems: { field: string; message: string }[] = [];
    try {
      validateInput({ ...required, imageName: 'x'.repeat(61), timeouts: { image: 'soon' } });
    } catch (err) {
      problems = (err as { details: [{ problems: typeof problems }] }).details[0].problems;
    }
    const lines = describeProblems(problems);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^--image-name \(imageName\): .*60 characters/);
    expect(lines[1]).toMatch(/^--image-timeout \(timeouts\.image\): /);
  });
});

describe('argument parsers', () => {
  it('collects repeated --tag key=value (values may contain =)', () => {
    expect(parseTag('b=x=y', parseTag('a=1'))).toEqual({ a: '1', b: 'x=y' });
    expect(() => parseTag('novalue')).toThrow(/expected key=value/);
    expect(() => parseTag('=v')).toThrow(/expected key=value/);
  });

  it('accepts whole counts from 1', () => {
    expect(parsePositiveInt('3')).toBe(3);
    for (const bad of ['0', '-1', '1.5', 'two']) expect(() => parsePositiveInt(bad)).toThrow(/whole number/);
  });

  it('derives the recommended workflow id from an instance id and --region', () => {
    expect(resolveWorkflowId('ins-abc12345', 'ap-guangzhou')).toBe('cvm-image/ap-guangzhou/ins-abc12345');
    expect(resolveWorkflowId('cvm-image/ap-guangzhou/ins-abc12345', 'ap-shanghai')).toBe(
      'cvm-image/ap-guangzhou/ins-abc12345',
    );
    expect(resolveWorkflowId('my-own-id')).toBe('my-own-id');
  });
});

describe('cvm-image argument errors (commander)', () => {
  function run(args: string[]): { error?: CommanderError; stderr: string } {
    let stderr = '';
    const sink = new Writable({ write: (_c, _e, cb) => cb() }) as unknown as NodeJS.WriteStream;
    const program = buildProgram({ out: sink, err: sink });
    const capture = (c: Command) => {
      c.exitOverride().configureOutput({ writeErr: (s) => (stderr += s), writeOut: () => undefined });
      c.commands.forEach(capture);
    };
    capture(program);
    try {
      program.parse(['node', 'cvm-image', ...args]);
      return { stderr };
    } catch (error) {
      return { error: error as CommanderError, stderr };
    }
  }

  it('names a missing required flag', () => {
    const { error, stderr } = run(['create', '--region', 'ap-guangzhou', '--instance-id', 'ins-1']);
    expect(error?.code).toBe('commander.missingMandatoryOptionValue');
    expect(stderr).toContain("required option '--image-name <name>' not specified");
  });

  it('lists the allowed values of an enum flag', () => {
    const { error, stderr } = run([
      'create',
      ...Object.entries(required).flatMap(([k, v]) => [flag(k), v]),
      '--fstab',
      'maybe',
    ]);
    expect(error?.code).toBe('commander.invalidArgument');
    expect(stderr).toContain('Allowed choices are fix, check, ignore');
  });

  it('rejects an unknown list status', () => {
    const { error, stderr } = run(['list', '--status', 'Sleeping']);
    expect(error?.code).toBe('commander.invalidArgument');
    expect(stderr).toContain('Running');
  });
});

function flag(camel: string): string {
  return `--${camel.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

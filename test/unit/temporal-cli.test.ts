import path from 'node:path';
import { resolveTemporalCli, type ResolverDeps } from '../../src/devserver/temporal-cli';

/** A fake file system of executables: the resolver's order is pure logic over it. */
function deps(opts: { env?: NodeJS.ProcessEnv; executables?: string[]; installWorks?: boolean }) {
  const executables = new Set(opts.executables ?? []);
  const installs: string[] = [];
  const d: ResolverDeps = {
    env: opts.env ?? {},
    isExecutable: (f) => executables.has(f),
    installProjectTools: (dir) => {
      installs.push(dir);
      if (opts.installWorks) executables.add(path.join(dir, 'bin', 'temporal'));
      return !!opts.installWorks;
    },
    toolsDir: '/proj/.tools',
    log: () => undefined,
  };
  return { d, installs };
}

describe('resolveTemporalCli order', () => {
  it('prefers TEMPORAL_CLI_PATH over everything else', () => {
    const { d, installs } = deps({
      env: { TEMPORAL_CLI_PATH: '/opt/t/temporal', PATH: '/usr/bin' },
      executables: ['/opt/t/temporal', '/usr/bin/temporal', '/proj/.tools/bin/temporal'],
    });
    expect(resolveTemporalCli(d)).toMatchObject({ source: 'TEMPORAL_CLI_PATH', path: '/opt/t/temporal' });
    expect(installs).toEqual([]);
  });

  it('refuses a TEMPORAL_CLI_PATH that is not executable instead of silently falling back', () => {
    const { d } = deps({ env: { TEMPORAL_CLI_PATH: '/nope', PATH: '/usr/bin' }, executables: ['/usr/bin/temporal'] });
    expect(() => resolveTemporalCli(d)).toThrow(/TEMPORAL_CLI_PATH=\/nope/);
  });

  it('then takes the first temporal on PATH', () => {
    const { d } = deps({
      env: { PATH: ['/a', '/b', '/c'].join(path.delimiter) },
      executables: ['/b/temporal', '/c/temporal', '/proj/.tools/bin/temporal'],
    });
    expect(resolveTemporalCli(d)).toMatchObject({ source: 'PATH', path: '/b/temporal' });
  });

  it('then the project-local copy, without reinstalling it', () => {
    const { d, installs } = deps({ env: { PATH: '/a' }, executables: ['/proj/.tools/bin/temporal'] });
    const r = resolveTemporalCli(d);
    expect(r).toMatchObject({ source: 'project-tools', path: '/proj/.tools/bin/temporal' });
    expect(r.executable).toEqual({ type: 'existing-path', path: '/proj/.tools/bin/temporal' });
    expect(installs).toEqual([]);
  });

  it('installs the project-local copy when missing', () => {
    const { d, installs } = deps({ env: { PATH: '/a' }, installWorks: true });
    expect(resolveTemporalCli(d)).toMatchObject({ source: 'project-tools' });
    expect(installs).toEqual(['/proj/.tools']);
  });

  it('falls back to the SDK download only when nothing else works', () => {
    const { d, installs } = deps({ env: { PATH: '/a' }, installWorks: false });
    const r = resolveTemporalCli(d);
    expect(r.source).toBe('sdk-download');
    expect(r.executable).toEqual({ type: 'cached-download' });
    expect(r.path).toBeUndefined();
    expect(installs).toHaveLength(1);
  });
});

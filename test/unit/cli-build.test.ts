/** The CLI tests' build of lib/ (test/helpers/cli-build.ts): rebuilt when a source changes, never stale. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureFreshBuild } from '../helpers/cli-build';

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'cli-build-'));
  mkdirSync(path.join(root, 'src', 'cli'), { recursive: true });
  // Only the ES5 library, no DOM and no @types: each of the three builds checks a one-line file, so most of
  // its time was reading the default libraries (with TypeScript 6: 11 CPU-s for the file, 4 with these).
  const compilerOptions = { module: 'commonjs', lib: ['es5'], types: [] };
  writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions }));
  // `npm run build`, as ensureFreshBuild runs it, with the project's compiler.
  const tsc = path.join(path.dirname(require.resolve('@typescript/native/package.json')), 'bin', 'tsc');
  const build = `node ${JSON.stringify(tsc)} -p tsconfig.build.json`;
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'scratch', scripts: { build } }));
  writeFileSync(
    path.join(root, 'tsconfig.build.json'),
    JSON.stringify({
      extends: './tsconfig.json',
      compilerOptions: { rootDir: 'src', outDir: 'lib', incremental: true, tsBuildInfoFile: 'lib/.tsbuildinfo' },
      include: ['src/**/*.ts'],
    }),
  );
  writeFileSync(path.join(root, 'src', 'cli', 'main.ts'), 'export const answer: number = 1;\n');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const built = () => readFileSync(path.join(root, 'lib', 'cli', 'main.js'), 'utf8');

it('builds when lib/ is missing, skips while it is fresh, rebuilds after a source or the build changes', async () => {
  expect(await ensureFreshBuild(root)).toBe(true);
  expect(built()).toContain('exports.answer = 1');
  expect(await ensureFreshBuild(root)).toBe(false);

  const source = path.join(root, 'src', 'cli', 'main.ts');
  writeFileSync(source, 'export const answer: number = 2;\n');
  const later = new Date(Date.now() + 5_000); // past any mtime granularity
  utimesSync(source, later, later);
  expect(await ensureFreshBuild(root)).toBe(true);
  expect(built()).toContain('exports.answer = 2');

  // A change to the build's definition (package.json's build script) rebuilds too.
  const earlier = new Date(Date.now() - 60_000);
  utimesSync(source, earlier, earlier);
  expect(await ensureFreshBuild(root)).toBe(false);
  const pkg = path.join(root, 'package.json');
  const evenLater = new Date(Date.now() + 8_000);
  utimesSync(pkg, evenLater, evenLater);
  expect(await ensureFreshBuild(root)).toBe(true);
});

it('names the build when it fails', async () => {
  writeFileSync(path.join(root, 'src', 'cli', 'main.ts'), 'export const answer: number = "two";\n');
  const later = new Date(Date.now() + 10_000);
  utimesSync(path.join(root, 'src', 'cli', 'main.ts'), later, later);
  await expect(ensureFreshBuild(root)).rejects.toThrow(/npm run build` failed:[\s\S]*main\.ts/);
});

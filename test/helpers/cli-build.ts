/**
 * The compiled `cvm-image` the CLI tests run: lib/ (what the package ships, `npm run build`), rebuilt first
 * whenever a source is newer than the last build, so a test never runs stale code. A CLI run from lib/ costs
 * about 0.5 CPU-s against 1.1 through tsx (2026-12-01, `status` of an unreachable server), and the suite runs
 * the CLI about a hundred times.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './processes';

export const BUILT_CLI = path.join(ROOT, 'lib', 'cli', 'main.js');

function newestMtime(file: string): number {
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(
    stat.mtimeMs, // a deleted or renamed source changes its directory
    ...readdirSync(file).map((name) => newestMtime(path.join(file, name))),
  );
}

function builtAt(buildInfo: string): number {
  try {
    return statSync(buildInfo).mtimeMs;
  } catch {
    return 0;
  }
}

/** Builds `root`'s lib/ (incrementally) unless it is newer than every input; returns true if it built. */
export async function ensureFreshBuild(root = ROOT): Promise<boolean> {
  const buildInfo = path.join(root, 'lib', '.tsbuildinfo');
  // The sources and the build's own definition (its scripts, config and the asset copy).
  const inputs = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'scripts/copy-build-assets.js']
    .map((f) => path.join(root, f))
    .filter((f) => existsSync(f));
  if (builtAt(buildInfo) > Math.max(...inputs.map(newestMtime))) return false;
  try {
    // The project's own build (package.json: the compiler, then the files tsc does not copy).
    await promisify(execFile)('npm', ['run', '--silent', 'build'], { cwd: root });
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    const out = `${stdout ?? ''}${stderr ?? ''}` || (err as Error).message;
    throw new Error(`the CLI tests need lib/ built from src/, and \`npm run build\` failed:\n${out}`);
  }
  // tsc leaves its build info alone when nothing changed: mark this check as done.
  const now = new Date();
  utimesSync(buildInfo, now, now);
  return true;
}

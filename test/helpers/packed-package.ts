/**
 * The package exactly as a consumer gets it: `npm pack` (`files` picks what ships; lib/ is already built from
 * the current source by the global setup, cli-build.ts, the same `tsc -p tsconfig.build.json` as `prepare`,
 * so the pack skips scripts), then the tarball installed into a scratch project with `npm ci --offline`. The scratch project's
 * lockfile pins the tarball plus this checkout's locked production dependencies, so npm installs them
 * from its cache (filled by this checkout's `npm ci`) without a registry.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './processes';

interface LockEntry {
  dev?: boolean;
  [key: string]: unknown;
}

function npm(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('npm', args, { cwd, timeout: 280_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`npm ${args.join(' ')} failed:\n${stdout}${stderr}`)) : resolve(stdout + stderr),
    ),
  );
}

export interface PackedConsumer {
  /** The scratch project; the package is in node_modules/cvm-image-pipeline. */
  dir: string;
  /** What `npm pack` and `npm ci` printed. */
  log: string;
  remove(): void;
}

export async function installPackedPackage(): Promise<PackedConsumer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cvm-image-consumer-'));
  try {
    const packed = await npm(['pack', '--ignore-scripts', '--pack-destination', dir, '--json'], ROOT);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, LockEntry>;
    };
    const integrity = `sha512-${createHash('sha512')
      .update(readFileSync(path.join(dir, tarball)))
      .digest('base64')}`;
    const dependencies = { [pkg.name]: `file:${tarball}` };
    const packages: Record<string, unknown> = {
      '': { name: 'consumer', version: '1.0.0', dependencies },
      [`node_modules/${pkg.name}`]: {
        version: pkg.version,
        resolved: `file:${tarball}`,
        integrity,
        license: pkg.license,
        dependencies: pkg.dependencies,
        bin: pkg.bin,
        engines: pkg.engines,
      },
    };
    for (const [key, entry] of Object.entries(lock.packages)) if (key && !entry.dev) packages[key] = entry;
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, dependencies }),
    );
    writeFileSync(
      path.join(dir, 'package-lock.json'),
      JSON.stringify({ name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages }),
    );
    const installed = await npm(['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], dir);
    // The consumer's own dev dependency for a strict TypeScript check.
    const types = path.join(dir, 'node_modules', '@types');
    mkdirSync(types, { recursive: true });
    if (!existsSync(path.join(types, 'node'))) {
      symlinkSync(path.join(ROOT, 'node_modules', '@types', 'node'), path.join(types, 'node'));
    }
    return { dir, log: packed + installed, remove: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

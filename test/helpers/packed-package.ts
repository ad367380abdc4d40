/**
 * The package as a consumer gets it: `npm pack` (`files` picks what ships; lib/ is already built from the
 * current source by the global setup, cli-build.ts, with the same compiler as `prepare`, so the pack skips
 * scripts), then `npm install --offline` of the tarball into a scratch project whose only other entries are
 * the package's declared dependencies, linked from this checkout (the locked versions; npm checks them
 * against the package's ranges). So only what package.json declares resolves from the package, as under a
 * strict installer: a full install's hoisting hid an undeclared import (@temporalio/proto) that this finds.
 * Linking also spares extracting 220 MB of dependencies (18 CPU-s of the suite's 683).
 */
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './processes';

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
  /** What `npm pack` and `npm install` printed. */
  log: string;
  remove(): void;
}

export async function installPackedPackage(): Promise<PackedConsumer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cvm-image-consumer-'));
  try {
    const packed = await npm(['pack', '--ignore-scripts', '--pack-destination', dir, '--json'], ROOT);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const dependencies: Record<string, string> = { [pkg.name]: `file:${tarball}` };
    for (const name of Object.keys(pkg.dependencies))
      dependencies[name] = `file:${path.join(ROOT, 'node_modules', name)}`;
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, dependencies }),
    );
    const args = ['install', '--offline', '--install-links=false', '--no-audit', '--no-fund', '--loglevel=error'];
    const installed = await npm(args, dir);
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

/**
 * Each emulated instance has a small real file tree (at least /etc/fstab) under the data dir; images
 * capture a copy of it (minus what Tencent strips) and instances launched from an image start from that copy.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';

/** Paths an image leaves out: Tencent deletes /var/log/ and .bash_history; pseudo filesystems never travel. */
export function excludedFromImage(guestPath: string): boolean {
  if (guestPath === '/var/log' || guestPath.startsWith('/var/log/')) return true;
  if (basename(guestPath) === '.bash_history') return true;
  return ['/proc', '/sys', '/dev', '/run'].some((p) => guestPath === p || guestPath.startsWith(`${p}/`));
}

export class GuestFiles {
  constructor(readonly dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
  }

  instanceRoot(instanceId: string): string {
    return join(this.dataDir, 'instances', instanceId);
  }

  imageRoot(imageId: string): string {
    return join(this.dataDir, 'images', imageId);
  }

  /** Host path for a guest path, refusing anything that would escape the tree. */
  hostPath(root: string, guestPath: string): string {
    if (!guestPath.startsWith('/')) throw new Error(`guest path must be absolute: ${guestPath}`);
    const full = resolve(root, `.${guestPath}`);
    if (full !== root && !full.startsWith(root + sep)) throw new Error(`guest path escapes the tree: ${guestPath}`);
    return full;
  }

  writeFiles(instanceId: string, files: Record<string, string>): void {
    const root = this.instanceRoot(instanceId);
    mkdirSync(root, { recursive: true });
    for (const [path, content] of Object.entries(files)) {
      const target = this.hostPath(root, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
  }

  readFile(root: string, guestPath: string): string | undefined {
    const p = this.hostPath(root, guestPath);
    return existsSync(p) && statSync(p).isFile() ? readFileSync(p, 'utf8') : undefined;
  }

  /** Every regular file of a tree as guest path → content (admin state view; small trees only). */
  listFiles(root: string): Record<string, string> {
    const out: Record<string, string> = {};
    if (!existsSync(root)) return out;
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.isFile()) out[`/${relative(root, full).split(sep).join('/')}`] = readFileSync(full, 'utf8');
      }
    };
    walk(root);
    return out;
  }

  /** The image keeps the instance's files except those Tencent strips. */
  captureImage(instanceId: string, imageId: string): void {
    const from = this.instanceRoot(instanceId);
    const to = this.imageRoot(imageId);
    rmSync(to, { recursive: true, force: true });
    mkdirSync(to, { recursive: true });
    if (!existsSync(from)) return;
    cpSync(from, to, {
      recursive: true,
      filter: (src) => src === from || !excludedFromImage(`/${relative(from, src).split(sep).join('/')}`),
    });
  }

  copyImage(fromImageId: string, toImageId: string): void {
    const from = this.imageRoot(fromImageId);
    if (existsSync(from)) cpSync(from, this.imageRoot(toImageId), { recursive: true });
  }

  /** A new instance starts from the image's files. */
  launchFromImage(imageId: string, instanceId: string): void {
    const to = this.instanceRoot(instanceId);
    mkdirSync(to, { recursive: true });
    const from = this.imageRoot(imageId);
    if (existsSync(from)) cpSync(from, to, { recursive: true });
  }

  /** What a reboot forgets: /run (the emulated mount table lives there). */
  resetRuntime(instanceId: string): void {
    rmSync(join(this.instanceRoot(instanceId), 'run'), { recursive: true, force: true });
  }

  removeInstance(instanceId: string): void {
    rmSync(this.instanceRoot(instanceId), { recursive: true, force: true });
  }

  removeImage(imageId: string): void {
    rmSync(this.imageRoot(imageId), { recursive: true, force: true });
  }

  removeAll(): void {
    rmSync(join(this.dataDir, 'instances'), { recursive: true, force: true });
    rmSync(join(this.dataDir, 'images'), { recursive: true, force: true });
  }
}

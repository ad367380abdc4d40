/** How long each asynchronous operation takes. Defaults are realistic; `speed` divides them all. */
export interface Durations {
  /** Image CREATING → NORMAL for a system disk alone; grows by half for every 50 GB of included data disks. */
  imageCreateMs: number;
  /** Snapshot CREATING → NORMAL (Percent rises linearly meanwhile). */
  snapshotCreateMs: number;
  /** Instance PENDING → RUNNING after RunInstances. */
  instanceLaunchMs: number;
  /** Instance STOPPING → STOPPED. */
  instanceStopMs: number;
  /** Instance STARTING → RUNNING. */
  instanceStartMs: number;
  /** Instance SHUTTING_DOWN → gone (TerminateInstances). */
  instanceTerminateMs: number;
  /** Disk creation (CreateDisks) and attachment (AttachDisks). */
  diskCreateMs: number;
  diskAttachMs: number;
  /** Image copy to another region (SyncImages). */
  imageSyncMs: number;
}

export const DEFAULT_DURATIONS: Durations = {
  imageCreateMs: 10 * 60_000,
  snapshotCreateMs: 3 * 60_000,
  instanceLaunchMs: 30_000,
  instanceStopMs: 15_000,
  instanceStartMs: 20_000,
  instanceTerminateMs: 10_000,
  diskCreateMs: 10_000,
  diskAttachMs: 5_000,
  imageSyncMs: 5 * 60_000,
};

export function resolveDurations(speed = 1, explicit: Partial<Durations> = {}): Durations {
  if (!(speed > 0)) throw new Error(`speed must be a positive number, got ${speed}`);
  const out = { ...DEFAULT_DURATIONS };
  for (const key of Object.keys(out) as (keyof Durations)[]) out[key] = Math.round(out[key] / speed);
  for (const [key, value] of Object.entries(explicit)) {
    if (!(key in out)) throw new Error(`unknown duration ${key}`);
    if (typeof value !== 'number' || value < 0) throw new Error(`duration ${key} must be a number of ms ≥ 0`);
    out[key as keyof Durations] = value;
  }
  return out;
}

/** Image creation time: the base, plus half of it for every 50 GB of data disks the image includes. */
export function imageCreateDuration(d: Durations, dataDiskGb: number): number {
  return Math.round(d.imageCreateMs * (1 + dataDiskGb / 100));
}

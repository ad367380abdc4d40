/**
 * Removes what contract runs left, by tag (instances, images, snapshots) and by name (SyncImages copies carry
 * no tags). `runId` undefined = every contract run's leftovers (the start-of-run pass, after a crash).
 * Each resource is removed by id and reported; a NotFound answer counts as already gone.
 */
import type { TencentClients } from '../../src/cloud/clients';
import { NAME_PREFIX, RUN_TAG_KEY } from './context';

export interface Removed {
  region: string;
  kind: 'instance' | 'image' | 'snapshot';
  id: string;
  outcome: string;
}

const gone = (err: unknown) => /NotFound/.test(String((err as { code?: string }).code));

async function attempt(removed: Removed[], entry: Omit<Removed, 'outcome'>, call: () => Promise<unknown>) {
  try {
    await call();
    removed.push({ ...entry, outcome: 'removed' });
  } catch (err) {
    removed.push({ ...entry, outcome: gone(err) ? 'already gone' : `failed: ${(err as Error).message}` });
  }
}

/** Images still being made cannot be deleted (DeleteImages refuses them): wait this long for them to settle. */
export interface Settle {
  pollMs: number;
  waitMs: number;
}

const BUSY_IMAGE = ['CREATING', 'SYNCING', 'IMPORTING'];

export async function cleanupByTag(
  clients: TencentClients,
  regions: string[],
  settle: Settle,
  runId?: string,
): Promise<Removed[]> {
  const removed: Removed[] = [];
  const tagFilter = runId
    ? { Name: `tag:${RUN_TAG_KEY}`, Values: [runId] }
    : { Name: 'tag-key', Values: [RUN_TAG_KEY] };
  const ours = (tags?: { Key?: string; Value?: string }[]) =>
    !!tags?.some((t) => t.Key === RUN_TAG_KEY && (runId === undefined || t.Value === runId));
  for (const region of regions) {
    const cvm = clients.cvm(region);
    // Images before instances and snapshots: an image's snapshots cannot be deleted while it exists
    // (DeleteSnapshots documents UnsupportedOperation.SnapshotHasBindedImage).
    const byTag = (await cvm.DescribeImages({ Filters: [tagFilter], Limit: 100 })).ImageSet ?? [];
    const byName =
      (
        await cvm.DescribeImages({
          Filters: [
            { Name: 'image-type', Values: ['PRIVATE_IMAGE'] },
            { Name: 'image-name', Values: [runId ? `${NAME_PREFIX}-${runId}` : NAME_PREFIX] },
          ],
          Limit: 100,
        })
      ).ImageSet ?? [];
    const images = new Set([...byTag, ...byName].map((i) => i.ImageId!));
    for (const id of images) {
      await attempt(removed, { region, kind: 'image', id }, async () => {
        for (const start = Date.now(); Date.now() - start < settle.waitMs;) {
          const state = (await cvm.DescribeImages({ ImageIds: [id] })).ImageSet?.[0]?.ImageState;
          if (!BUSY_IMAGE.includes(state ?? '')) break;
          await new Promise((r) => setTimeout(r, settle.pollMs));
        }
        return cvm.DeleteImages({ ImageIds: [id] });
      });
    }
    const instances = (await cvm.DescribeInstances({ Filters: [tagFilter], Limit: 100 })).InstanceSet ?? [];
    for (const i of instances.filter((x) => !['SHUTDOWN', 'TERMINATING'].includes(x.InstanceState ?? ''))) {
      await attempt(removed, { region, kind: 'instance', id: i.InstanceId! }, () =>
        cvm.TerminateInstances({ InstanceIds: [i.InstanceId!] }),
      );
    }
    // DescribeSnapshots documents no tag filter: list and read the tags.
    const cbs = clients.cbs(region);
    for (let offset = 0; ; offset += 100) {
      const page = (await cbs.DescribeSnapshots({ Limit: 100, Offset: offset })).SnapshotSet ?? [];
      for (const s of page.filter((x) => ours(x.Tags)))
        await attempt(removed, { region, kind: 'snapshot', id: s.SnapshotId! }, () =>
          cbs.DeleteSnapshots({ SnapshotIds: [s.SnapshotId!] }),
        );
      if (page.length < 100) break;
    }
  }
  return removed;
}

/**
 * Step 10 of the procedure, after copies and sharing: "Create instance" from the new image with each data
 * disk made from its snapshot, wait RUNNING, check that it really booted (its TAT agent comes online: an fstab line for a
 * missing disk hangs boot), put the source's data-disk lines back with nofail, and terminate unless kept.
 */
import type { FstabLine } from '../contract';
import { calls, run, undo, waits, within } from './activity-proxies';
import type { PipelineRun } from './run-context';

export interface LaunchPlan {
  imageId: string;
  /** Data disks to create from the pipeline's snapshots (dataDisks "snapshot"). */
  disks: { snapshotId: string; sizeGb: number; diskType?: string }[];
  /** The source's data-disk lines of /etc/fstab, put back (nofail) once the instance booted. */
  fstabLines: FstabLine[];
  /** A whole-machine image (dataDisks "include") brings its data disks itself. */
  wholeMachine: boolean;
}

/** Returns the ids of the launched instances (terminated again unless `launch.keep`). */
export async function launchAndVerify(
  { input, instance: source, saga, tracker, warn }: PipelineRun,
  { imageId, disks, fstabLines, wholeMachine }: LaunchPlan,
): Promise<string[]> {
  const launch = input.launch!;
  const region = input.region;
  const zone = launch.zone ?? source.zone;
  const instanceType = launch.instanceType ?? source.instanceType;
  tracker.enter('launching', `launching ${launch.count} × ${instanceType} in ${zone} from ${imageId}`);
  let ids: string[] = [];
  const terminate = async () => {
    const gone = await run(
      undo.terminateInstances,
      `Terminate launched instances ${ids.join(', ') || '(by run tag)'}`,
      [{ region, instanceIds: ids }],
    );
    if (gone.length) {
      await run(
        undo.waitForInstances,
        `Wait for ${gone.join(', ')} to be gone`,
        [{ region, instanceIds: gone, target: 'GONE' }],
        within(input.timeoutsMs.instance),
      );
    }
  };
  const forget = saga.add({
    name: 'terminate launched instances',
    resources: () => (ids.length ? ids : ['instances launched by this run']),
    run: terminate,
  });
  ids = await run(calls.launchInstances, `RunInstances ×${launch.count} from ${imageId}`, [
    { region, imageId, zone, instanceType, count: launch.count, dataDisks: disks, tags: input.tags },
  ]);
  tracker.setLaunched(ids);
  tracker.waiting(`instances ${ids.join(', ')} to be RUNNING`);
  await run(
    waits.waitForInstances,
    `Wait for ${ids.join(', ')} to be RUNNING`,
    [{ region, instanceIds: ids, target: 'RUNNING', launched: true }],
    within(input.timeoutsMs.instance),
  );

  tracker.enter(
    'verifying-launch',
    `checking that ${ids.join(', ')} booted`,
    `TAT agents of ${ids.join(', ')} to come online`,
  );
  await run(
    waits.verifyAgentsOnline,
    `Verify the TAT agent of ${ids.join(', ')} comes online`,
    [{ region, instanceIds: ids, withinMs: input.timeoutsMs.agent }],
    within(input.timeoutsMs.agent + 60_000),
  );
  if (fstabLines.length && (disks.length || wholeMachine)) {
    for (const id of ids) {
      const applied = await run(calls.applyFstabLines, `Put the data-disk lines back (nofail) on ${id}`, [
        { region, instanceId: id, lines: fstabLines },
      ]);
      if (!applied.mounted) warn(`data disks of ${id} did not mount: ${applied.message ?? 'unknown'}`);
    }
  }

  if (!launch.keep) {
    tracker.enter(
      'cleaning-up-launch',
      `terminating the verified instances ${ids.join(', ')}`,
      `${ids.join(', ')} to be gone`,
    );
    await terminate();
    forget();
    warn(`launched ${ids.join(', ')} from ${imageId}, verified it booted, and terminated it (launch.keep is false)`);
  }
  return ids;
}

/**
 * `cvm-image cleanup --region R [--apply]`: runs the janitor (`reconcileOrphans`) and prints what closed
 * runs left behind; a dry run unless --apply. See the README, "The janitor", for what it may touch.
 */
import { Command } from 'commander';
import { RECONCILE_WORKFLOW_TYPE } from '../../contract';
import { taskQueueFromEnv } from '../../temporal/connection';
import { withClient, type CliIO } from '../context';

/** The parts of the janitor's input and result printed here (workflows/reconcile-orphans.ts). */
interface ReconcileOrphansInput {
  region: string;
  apply: boolean;
  closedWithinHours: number;
}
interface ReconcileOrphansResult {
  region: string;
  apply: boolean;
  undone: string[];
  runs: {
    workflowId: string;
    runId: string;
    status: string;
    images: { imageId: string; imageName: string }[];
    snapshotIds: string[];
    instanceIds: string[];
    copies: { region: string; imageId: string }[];
    source?: { instanceId: string; start: boolean; restoreFstab: boolean };
  }[];
  unknownRuns: { workflowId: string; runId: string; resources: string[] }[];
  skippedSources: { instanceId: string; reason: string }[];
}

export function cleanupCommand(io: CliIO): Command {
  return new Command('cleanup')
    .description('find (and with --apply undo) what terminated or leaking runs left in a region')
    .requiredOption('--region <region>', 'the region to reconcile, e.g. ap-guangzhou')
    .option('--apply', 'undo what was found (default: only list it)')
    .option('--closed-within-hours <n>', 'look up closed runs this far back', '168')
    .action(async (flags: { region: string; apply?: boolean; closedWithinHours: string }, command: Command) => {
      await withClient(command, io, async (client) => {
        const input: ReconcileOrphansInput = {
          region: flags.region,
          apply: Boolean(flags.apply),
          closedWithinHours: Number(flags.closedWithinHours),
        };
        const r = (await client.temporal.workflow.execute(RECONCILE_WORKFLOW_TYPE, {
          taskQueue: taskQueueFromEnv(),
          workflowId: `cvm-image-janitor/${flags.region}/${new Date().toISOString()}`,
          args: [input],
        })) as ReconcileOrphansResult;
        if (!r.runs.length) io.out.write(`Nothing left behind by closed runs in ${r.region}.\n`);
        for (const run of r.runs) {
          const what = [
            ...run.images.map((i) => `image ${i.imageId} (${i.imageName})`),
            ...run.snapshotIds.map((s) => `snapshot ${s}`),
            ...run.instanceIds.map((i) => `instance ${i}`),
            ...run.copies.map((c) => `copy ${c.imageId} (${c.region})`),
            ...(run.source?.start ? [`source ${run.source.instanceId} left stopped`] : []),
            ...(run.source?.restoreFstab ? [`/etc/fstab of ${run.source.instanceId} to restore`] : []),
          ];
          io.out.write(`${run.workflowId} (run ${run.runId}, ${run.status}): ${what.join(', ')}\n`);
        }
        for (const u of r.unknownRuns)
          io.out.write(
            `not touched, run unknown to Temporal: ${u.workflowId} (run ${u.runId}): ${u.resources.join(', ')}\n`,
          );
        for (const s of r.skippedSources) io.out.write(`not touched: ${s.instanceId}: ${s.reason}\n`);
        if (r.apply) for (const line of r.undone) io.out.write(`undone: ${line}\n`);
        else if (r.runs.length) io.out.write('Dry run: nothing was changed; pass --apply to undo the above.\n');
        return 0;
      });
    });
}

/** `dryRun: true`: the read-only half of the procedure, and CreateImage with DryRun. Nothing is changed. */
import { calls, run } from './activity-proxies';
import { imageRequest } from './image-step';
import type { PipelineRun } from './run-context';

export async function dryRun(
  { input, where, tracker, warn }: PipelineRun,
  { guestPrep, stop, reason }: { guestPrep: boolean; stop: boolean; reason: string },
): Promise<void> {
  warn(`dry run: ${stop ? 'would stop' : 'would not stop'} ${input.instanceId} (${reason})`);
  if (guestPrep) {
    tracker.enter('preparing-fstab', 'dry run: looking for data-disk lines in /etc/fstab');
    const scan = await run(calls.scanFstab, `Dry run: check /etc/fstab of ${input.instanceId}`, [where]);
    warn(
      `dry run: /etc/fstab has ${scan.dataLineCount ?? scan.dataLines.length} data-disk line(s)${scan.dataLines.map((l) => `; line ${l.line}: ${l.text.trim()}`).join('')}`,
    );
  }
  tracker.enter('creating-image', 'dry run: CreateImage with DryRun');
  await run(calls.createImage, `Dry run: CreateImage "${input.imageName}"`, [
    {
      ...imageRequest(input),
      dryRun: true,
      // Tencent refuses a running instance that cannot be imaged online; the real run stops it first.
      forcePoweroff: stop,
    },
  ]);
  warn(`dry run: CreateImage "${input.imageName}" from ${input.instanceId} would be accepted`);
  tracker.enter('completed', 'dry run finished; nothing was changed');
}

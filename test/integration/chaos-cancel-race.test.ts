/**
 * Found by `npm run chaos` (cancel in preparing-fstab): a pipeline cancelled while its fstab-fix script is
 * still running on the instance. The activity used to acknowledge the cancel at once, so the undo (the
 * restore script) ran beside the fix, found nothing to restore, and the fix then commented the lines out:
 * /etc/fstab was left changed, with a backup file. A script already delivered must end before the undo.
 */
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { waitFor } from '../helpers/emulator';
import { instanceView, REGION, startBench, type PipelineBench } from '../helpers/pipeline';

jest.setTimeout(90_000);

let bench: PipelineBench;
beforeAll(async () => {
  bench = await startBench();
});
afterAll(async () => bench?.close());

/** Many data-disk lines (nofail, so the instance still boots): the fix asks blkid about each, for seconds. */
function slowFstab(lines: number): string {
  const data = Array.from(
    { length: lines },
    (_, i) => `UUID=00000000-0000-4000-8000-${String(i).padStart(12, '0')} /data${i} ext4 defaults,nofail 0 2`,
  );
  return ['LABEL=cloudimg-rootfs / ext4 defaults 0 1', ...data, ''].join('\n');
}

it('a cancel while the fstab fix runs on the guest leaves /etc/fstab exactly as it was', async () => {
  const { emu } = bench;
  const fstab = slowFstab(60);
  const instanceId = await emu.admin.createInstance({ region: REGION, files: { '/etc/fstab': fstab } });
  const handle = await bench.start({ region: REGION, instanceId, imageName: 'cancel-race' });
  // The fix script is running on the instance (its TAT task has started, not ended).
  await waitFor(
    async () => {
      const state = await emu.admin.state();
      const fix = state.invocations.find(
        (i) =>
          i.instanceIds.includes(instanceId) && Buffer.from(i.content, 'base64').toString().includes('fstab-fix.sh'),
      );
      return fix && state.tasks.some((t) => fix.taskIds.includes(t.id) && t.end === undefined);
    },
    { what: 'the fstab-fix script to be running', timeoutMs: 30_000, intervalMs: 20 },
  );
  await handle.cancel();
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
  // Every script the run sent has ended before we look.
  await waitFor(
    async () => !(await emu.admin.state()).tasks.some((t) => t.instanceId === instanceId && t.end === undefined),
    { what: 'the guest scripts to end', timeoutMs: 60_000 },
  );
  const source = await instanceView(emu, instanceId);
  expect(source.files['/etc/fstab']).toBe(fstab);
  expect(Object.keys(source.files).filter((f) => f.includes('cvm-image-pipeline'))).toEqual([]);
});

/**
 * After the image is NORMAL: copies to other regions (`copyToRegions`, each copy waited on until NORMAL)
 * and sharing with other accounts (`shareWith`). Each registers its undo first, so a later failure
 * deletes the copies and unshares the image before the image itself is deleted.
 */
import type { ImageCopy } from '../activities/distribution';
import { calls, run, undo, waits, within } from './activity-proxies';
import type { PipelineRun } from './run-context';

export interface Distribution {
  copies?: ImageCopy[];
  sharedWith?: string[];
}

export async function distribute({ input, saga, tracker }: PipelineRun, imageId: string): Promise<Distribution> {
  const done: Distribution = {};
  const { region, imageName } = input;
  const regions = input.copyToRegions;
  if (regions.length) {
    const list = regions.join(', ');
    tracker.enter('copying-image', `SyncImages ${imageId} to ${list}`, `the copies in ${list} to become NORMAL`);
    const copies: ImageCopy[] = [];
    saga.add({
      name: 'delete image copies',
      resources: () =>
        copies.length ? copies.map((c) => `${c.imageId} (${c.region})`) : regions.map((r) => `copy in ${r}`),
      run: () =>
        run(
          undo.deleteImageCopies,
          `Undo: delete the copies of ${imageName} in ${list}`,
          [{ imageName, destinationRegions: regions, copies }],
          within(input.timeoutsMs.image),
        ).then(() => undefined),
    });
    copies.push(
      ...(await run(calls.copyImage, `SyncImages ${imageId} to ${list}`, [
        { region, imageId, imageName, destinationRegions: regions },
      ])),
    );
    done.copies = [...copies];
    await run(
      waits.waitForImageCopies,
      `Wait for the copies in ${list} to become NORMAL`,
      [{ copies }],
      within(input.timeoutsMs.image),
    );
  }
  if (input.shareWith.length) {
    const accounts = input.shareWith;
    tracker.enter('sharing-image', `sharing ${imageId} with ${accounts.join(', ')}`);
    saga.add({
      name: 'unshare image',
      resources: () => [imageId],
      run: () =>
        run(undo.unshareImage, `Undo: unshare ${imageId} from ${accounts.length} account(s)`, [
          { region, imageId, accountIds: accounts },
        ]).then(() => undefined),
    });
    done.sharedWith = await run(calls.shareImage, `Share ${imageId} with ${accounts.join(', ')}`, [
      { region, imageId, accountIds: accounts },
    ]);
  }
  return done;
}

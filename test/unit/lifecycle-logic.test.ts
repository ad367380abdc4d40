/** The lifecycle's pure rules: the rotation plan, the cost estimate, input validation, dated names. */
import { type ImageUse, type InventoryImage, refreshSuffix } from '../../src/contract';
import {
  validateDeleteInput,
  validateInventoryInput,
  validateRefreshInput,
  validateRotateInput,
} from '../../src/workflows/lifecycle-validation';
import { planRotation } from '../../src/workflows/rotation-plan';
import { estimateSnapshotCost } from '../../src/workflows/snapshot-cost';

let seq = 0;
function image(over: Partial<InventoryImage> & { minute: number }): InventoryImage {
  const { minute, ...rest } = over;
  seq++;
  return {
    imageId: `img-${String(seq).padStart(8, '0')}`,
    imageName: `image-${seq}`,
    imageType: 'PRIVATE_IMAGE',
    state: 'NORMAL',
    createdTime: `2026-01-01T00:${String(minute).padStart(2, '0')}:00Z`,
    madeBy: { workflowId: 'cvm-image/ap-guangzhou/ins-aaaaaaaa', runId: `run-${seq}` },
    tags: {},
    sharedWith: [],
    snapshots: [],
    ...rest,
  };
}

const actions = (entries: { imageId: string; action: string }[]) =>
  Object.fromEntries(entries.map((e) => [e.imageId, e.action]));

describe('planRotation', () => {
  it('keeps the newest N per family and deletes the older ones', () => {
    const web = [1, 2, 3, 4].map((m) => image({ minute: m, imageFamily: 'web' }));
    const db = [5, 6].map((m) => image({ minute: m, imageFamily: 'db' }));
    const plan = planRotation([...web, ...db], [], { keep: 2 });
    expect(actions(plan)).toEqual({
      [web[0].imageId]: 'delete',
      [web[1].imageId]: 'delete',
      [web[2].imageId]: 'keep',
      [web[3].imageId]: 'keep',
      [db[0].imageId]: 'keep',
      [db[1].imageId]: 'keep',
    });
    expect(plan.map((e) => e.createdTime)).toEqual([...plan.map((e) => e.createdTime)].sort().reverse());
  });

  it('without a family, groups by the pipeline that made the images', () => {
    const a = [1, 2].map((m) => image({ minute: m, madeBy: { workflowId: 'cvm-image/r/ins-a' } }));
    const b = [3].map((m) => image({ minute: m, madeBy: { workflowId: 'cvm-image/r/ins-b' } }));
    const plan = planRotation([...a, ...b], [], { keep: 1 });
    expect(actions(plan)).toEqual({ [a[0].imageId]: 'delete', [a[1].imageId]: 'keep', [b[0].imageId]: 'keep' });
    expect(plan.find((e) => e.imageId === a[0].imageId)?.group).toBe('pipeline:cvm-image/r/ins-a');
  });

  it('spares foreign, shared, in-use and in-transition images, and they do not count towards keep', () => {
    const foreign = image({ minute: 1, imageFamily: 'web', madeBy: undefined });
    const shared = image({ minute: 2, imageFamily: 'web', sharedWith: ['100000000002'] });
    const usedById = image({ minute: 3, imageFamily: 'web' });
    const usedByRun = image({ minute: 4, imageFamily: 'web' });
    const creating = image({ minute: 5, imageFamily: 'web', state: 'CREATING' });
    const plain = [6, 7].map((m) => image({ minute: m, imageFamily: 'web' }));
    const uses: ImageUse[] = [
      { workflowId: 'wf-1', runId: 'other', imageId: usedById.imageId },
      // Recorded before the pipeline set CvmImageId: recognised by the run tag on the image.
      { workflowId: 'wf-2', runId: usedByRun.madeBy!.runId! },
    ];
    const plan = planRotation([foreign, shared, usedById, usedByRun, creating, ...plain], uses, { keep: 2 });
    expect(actions(plan)).toEqual({
      [foreign.imageId]: 'spare',
      [shared.imageId]: 'spare',
      [usedById.imageId]: 'spare',
      [usedByRun.imageId]: 'spare',
      [creating.imageId]: 'spare',
      [plain[0].imageId]: 'keep',
      [plain[1].imageId]: 'keep',
    });
    const reason = (id: string) => plan.find((e) => e.imageId === id)?.reason;
    expect(reason(usedByRun.imageId)).toBe('in use by running pipeline wf-2');
    expect(reason(foreign.imageId)).toBe('not made by cvm-image-pipeline');
  });

  it('deletes failed images whatever keep says, and keeps all when there are fewer than N', () => {
    const failed = image({ minute: 9, imageFamily: 'web', state: 'CREATEFAILED' });
    const ok = image({ minute: 1, imageFamily: 'web' });
    expect(actions(planRotation([failed, ok], [], { keep: 5 }))).toEqual({
      [failed.imageId]: 'delete',
      [ok.imageId]: 'keep',
    });
  });

  it('with a family, only that family is in scope; with groupByTag, untagged images are left alone', () => {
    const web = image({ minute: 1, imageFamily: 'web' });
    const db = image({ minute: 2, imageFamily: 'db' });
    expect(planRotation([web, db], [], { keep: 1, imageFamily: 'web' }).map((e) => e.imageId)).toEqual([web.imageId]);

    const shopOld = image({ minute: 3, tags: { app: 'shop' } });
    const shopNew = image({ minute: 4, tags: { app: 'shop' }, imageFamily: 'other' });
    const untagged = image({ minute: 5 });
    const plan = planRotation([shopOld, shopNew, untagged], [], { keep: 1, groupByTag: 'app' });
    expect(actions(plan)).toEqual({
      [shopOld.imageId]: 'delete',
      [shopNew.imageId]: 'keep',
      [untagged.imageId]: 'spare',
    });
    expect(plan.find((e) => e.imageId === shopNew.imageId)?.group).toBe('tag:app=shop');
  });

  it('orders images created in the same second by id, so a dry run and the real run agree', () => {
    const same = [image({ minute: 1 }), image({ minute: 1 })];
    const one = planRotation(same, [], { keep: 1 });
    const two = planRotation([...same].reverse(), [], { keep: 1 });
    expect(actions(one)).toEqual(actions(two));
  });
});

describe('estimateSnapshotCost', () => {
  it('sums snapshot GB of the project images and prices them; other images are only counted', () => {
    const ours = image({
      minute: 1,
      snapshots: [
        { snapshotId: 'snap-1', sizeGb: 50, kind: 'bound' },
        { snapshotId: 'snap-2', sizeGb: 25, kind: 'data-disk' },
      ],
    });
    const theirs = image({
      minute: 2,
      madeBy: undefined,
      snapshots: [{ snapshotId: 'snap-3', sizeGb: 99, kind: 'bound' }],
    });
    const inv = estimateSnapshotCost('ap-guangzhou', [ours, theirs], { pricePerGbMonth: 0.12, currency: 'CNY' });
    expect(inv.images.map((i) => [i.imageId, i.snapshotGb, i.estimatedMonthlyCost])).toEqual([[ours.imageId, 75, 9]]);
    expect(inv.totalSnapshotGb).toBe(75);
    expect(inv.estimatedMonthlyCost).toBe(9);
    expect(inv.otherImages).toBe(1);
    expect(inv.note).toMatch(/^estimate: /);
  });
});

describe('lifecycle input validation', () => {
  it('names every bad field', () => {
    expect(() => validateDeleteInput({ region: 'ap-guangzhou', imageId: 'img-1', force: 'yes' })).toThrow(
      'invalid deleteCustomImage input: imageId: must be a custom image id such as img-1a2b3c4d; force: must be true or false',
    );
    expect(() => validateRotateInput({ region: 'ap-guangzhou', keep: 1.5, imageFamily: '9x', other: 1 })).toThrow(
      /keep: must be a whole number; imageFamily: must be an image family.*; other: is not a known field/,
    );
    expect(() => validateInventoryInput({ region: 'ap-guangzhou', pricePerGbMonth: -1 })).toThrow(
      'pricePerGbMonth: must be ≥ 0',
    );
    expect(() => validateRefreshInput({ pipeline: { imageName: 'x'.repeat(45) } })).toThrow(
      'pipeline.imageName: the name prefix must be at most 44 characters',
    );
  });

  it('applies defaults', () => {
    expect(validateDeleteInput({ region: 'ap-guangzhou', imageId: 'img-1a2b3c4d' }).force).toBe(false);
    expect(validateRotateInput({ region: 'ap-guangzhou', keep: 3 }).dryRun).toBe(false);
    expect(validateInventoryInput({ region: 'ap-guangzhou' })).toEqual({
      region: 'ap-guangzhou',
      pricePerGbMonth: 0.12,
      currency: 'CNY',
    });
  });
});

describe('refreshSuffix', () => {
  it('is the UTC date and time, 16 characters', () => {
    expect(refreshSuffix(new Date('2026-03-04T05:06:07.890Z'))).toBe('-20260304-050607');
  });
});

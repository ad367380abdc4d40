/** #13 item 6: rotateWhenFull without a family rotates only the images its own pipeline made. */
import type { InventoryImage } from '../../src/contract';
import { planRotation } from '../../src/workflows/rotation-plan';

const image = (n: number, workflowId: string): InventoryImage => ({
  imageId: `img-${n}`,
  imageName: `image-${n}`,
  imageType: 'PRIVATE_IMAGE',
  state: 'NORMAL',
  createdTime: `2026-01-01T00:${String(n).padStart(2, '0')}:00Z`,
  madeBy: { workflowId, runId: `run-${n}` },
  tags: {},
  sharedWith: [],
  snapshots: [],
});

describe('rotation scope', () => {
  const mine = 'cvm-image/ap-guangzhou/ins-mine0001';
  const other = 'cvm-image/ap-guangzhou/ins-other001';
  const images = [image(1, mine), image(2, mine), image(3, mine), image(4, other), image(5, other)];

  it('scoped to one pipeline: deletes only its older images; other pipelines are not even listed', () => {
    const plan = planRotation(images, [], { keep: 1, madeByWorkflowId: mine });
    expect(plan.filter((e) => e.action === 'delete').map((e) => e.imageId)).toEqual(['img-2', 'img-1']);
    expect(plan.map((e) => e.imageId)).not.toEqual(expect.arrayContaining(['img-4']));
    expect(plan.map((e) => e.imageId).sort()).toEqual(['img-1', 'img-2', 'img-3']);
  });

  it('unscoped (a rotation an operator asks for): every pipeline group', () => {
    const plan = planRotation(images, [], { keep: 1 });
    expect(plan.filter((e) => e.action === 'delete').map((e) => e.imageId)).toEqual(['img-4', 'img-2', 'img-1']);
  });
});

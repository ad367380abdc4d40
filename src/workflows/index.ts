/** Every workflow the worker registers. */
import { setWorkflowOptions } from '@temporalio/workflow';
import { bakeImage } from './bake-image';
import { createCustomImage } from './create-custom-image';
import { pinnedWhenVersioned } from './versioning';

/**
 * With Worker Versioning on (docs/deploy.md), a pipeline runs to its end on the build it started on: it
 * lasts minutes to hours, and its guest scripts (fstab fix, then restore) must come from one build.
 */
setWorkflowOptions(pinnedWhenVersioned, createCustomImage);
// A bake's builder is provisioned by one build's steps and imaged by the same build's pipeline.
setWorkflowOptions(pinnedWhenVersioned, bakeImage);

export { createCustomImage, bakeImage };
export { deleteCustomImage } from './delete-custom-image';
export { rotateImages } from './rotate-images';
export { imageInventory } from './image-inventory';
export { refreshCustomImage } from './refresh-custom-image';
export { reconcileOrphans } from './reconcile-orphans';

/** Every workflow the worker registers. */
export { createCustomImage } from './create-custom-image';
export { deleteCustomImage } from './delete-custom-image';
export { rotateImages } from './rotate-images';
export { imageInventory } from './image-inventory';
export { refreshCustomImage } from './refresh-custom-image';

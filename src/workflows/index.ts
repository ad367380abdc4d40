/** Every workflow the worker registers. */
export { createCustomImage } from './create-custom-image';

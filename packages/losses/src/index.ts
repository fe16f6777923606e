/**
 * `@focalgrad/losses`: the crossentropies and every focal loss variant — tf.keras / Keras 3,
 * the Python `focal-loss` package and torchvision — each one fused op with an analytic backward,
 * exact to its reference under its own name.
 *
 * @example
 * ```ts
 * import { BinaryFocalCrossentropy } from '@focalgrad/losses';
 * const loss = new BinaryFocalCrossentropy({ gamma: 2, fromLogits: true });
 * loss.call([0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8]).item(); // 0.691 (tf.keras docs)
 * ```
 * @packageDocumentation
 */
export { Loss } from './loss.js';
export type { LossOptions, LossConfig } from './loss.js';
export { reduceWeightedValues, squeezeOrExpandToSameRank } from './reduction.js';
export type { Reduction } from './reduction.js';
// Loss families export below, one block per file.

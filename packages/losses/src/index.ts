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
// Categorical: Keras 3 categorical / sparse crossentropy and categorical focal, focal-loss sparse focal, class weights.
export { categoricalCrossentropy, CategoricalCrossentropy } from './crossentropy/categorical.js';
export type { CategoricalCrossentropyOptions } from './crossentropy/categorical.js';
export { sparseCategoricalCrossentropy, SparseCategoricalCrossentropy } from './crossentropy/sparse.js';
export type { SparseCategoricalCrossentropyOptions } from './crossentropy/sparse.js';
export { logitAdjustedCrossentropy, LogitAdjustedCrossentropy } from './crossentropy/logitAdjusted.js';
export type { LogitAdjustedCrossentropyOptions } from './crossentropy/logitAdjusted.js';
export { categoricalFocalCrossentropy, CategoricalFocalCrossentropy } from './focal/categorical.js';
export type { CategoricalFocalCrossentropyOptions } from './focal/categorical.js';
export { focalLossStar, FocalLossStar } from './focal/star.js';
export type { FocalLossStarOptions } from './focal/star.js';
export { polyLoss, PolyLoss } from './focal/poly.js';
export type { PolyLossOptions } from './focal/poly.js';
export { sparseCategoricalFocalLoss, SparseCategoricalFocalLoss } from './focal/sparse.js';
export type { SparseCategoricalFocalLossOptions } from './focal/sparse.js';
export { alphaFromCounts } from './weights.js';
export type { AlphaFromCountsOptions } from './weights.js';

// Binary: Keras binary (focal) crossentropy, focal-loss's binary_focal_loss, torchvision's
// sigmoid_focal_loss, and the focal curves.
export { binaryCrossentropy, BinaryCrossentropy } from './crossentropy/binary.js';
export type { BinaryCrossentropyOptions, BinaryCrossentropyLossOptions } from './crossentropy/binary.js';
export { binaryFocalCrossentropy, BinaryFocalCrossentropy } from './focal/binary.js';
export type { BinaryFocalCrossentropyOptions, BinaryFocalCrossentropyLossOptions } from './focal/binary.js';
export { binaryFocalLoss, BinaryFocalLoss } from './focal/binaryFocalLoss.js';
export type { BinaryFocalLossOptions, BinaryFocalLossLossOptions } from './focal/binaryFocalLoss.js';
export { sigmoidFocalLoss } from './focal/sigmoid.js';
export type { SigmoidFocalLossOptions } from './focal/sigmoid.js';
export { focalCurves } from './curves.js';
export type { FocalCurvesOptions, FocalCurve, FocalCurves } from './curves.js';

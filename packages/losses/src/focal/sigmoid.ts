/**
 * torchvision's `sigmoid_focal_loss` (RetinaNet's loss, from fvcore) as one fused op with an
 * analytic, twice-differentiable backward; the reduction is fused into the same pass.
 */
import { type Tensor, type TensorLike, checkOptions } from '@focalgrad/tensor';
import { runLoss } from '../core/runner.js';
import { sigmoidFocalLossSpec as spec } from '../specs/sigmoidFocalLoss.js';

/**
 * Options of {@link sigmoidFocalLoss} (torchvision's names and defaults). `alpha` and `gamma` may
 * also be given per class: one value per position along the last axis.
 *
 * @example
 * ```ts
 * const opts: SigmoidFocalLossOptions = { alpha: 0.25, gamma: 2, reduction: 'mean' };
 * ```
 */
export interface SigmoidFocalLossOptions {
  /** Weight of positives (`1 − alpha` for negatives), default 0.25; any negative value disables the weighting. */
  alpha?: number | readonly number[];
  /** The focusing parameter γ >= 0 (default 2). */
  gamma?: number | readonly number[];
  /** `'none'` (default: elementwise), `'mean'` over all elements, or `'sum'`. */
  reduction?: 'none' | 'mean' | 'sum';
}

/**
 * torchvision's `sigmoid_focal_loss(inputs, targets, alpha, gamma, reduction)`: logits first,
 * then targets. Elementwise
 *
 *   `ce · (1 − p_t)^γ`, times `α_t = α·t + (1 − α)·(1 − t)` when `α >= 0`,
 *
 * with `p = σ(inputs)`, `p_t = p·t + (1 − p)·(1 − t)` and `ce` the (unclipped) BCE with logits;
 * soft targets enter linearly. `alpha < 0` disables the weighting (torchvision's "-1 for ignore");
 * `alpha` 0 and 1 are real weights. `'mean'` averages over all elements.
 *
 * Computed in log space in one fused pass (logits of ±1e4 give finite values and gradients, γ = 0
 * has no `0^0` NaN) — value and analytic derivative together when the call is recorded for
 * autograd — with a gradient that is differentiable again.
 * `targets` is a constant: it receives no gradient (`null`).
 *
 * With `alpha: 0.25, reduction: 'mean'` it equals Keras's
 * `BinaryFocalCrossentropy({ applyClassBalancing: true, alpha: 0.25, fromLogits: true })` on
 * equal-length rows; with `alpha: -1, gamma: 0` it is the BCE with logits.
 *
 * An unknown `reduction` throws a ValueError, as newer torchvision does (the older source silently
 * returned the unreduced loss).
 *
 * @param inputs - logits (float32 for plain arrays).
 * @param targets - labels in [0, 1], same shape as `inputs` (cast to its dtype).
 * @param options - `alpha`, `gamma`, `reduction`.
 * @returns the elementwise loss, or its mean or sum (a scalar).
 * @throws ShapeError for mismatched shapes or per-class arrays of the wrong length; ValueError for
 *   a negative or non-finite `gamma`, an `alpha` above 1 (torchvision's check; a negative one
 *   disables the weighting), targets outside [0, 1], NaN inputs, an unknown `reduction` or an
 *   unknown option key. Infinite inputs give the limits (+∞ where the loss grows without bound).
 * @example
 * ```ts
 * sigmoidFocalLoss([[2.0, -1.0]], [[1, 0]]);                          // elementwise, shape [1, 2]
 * sigmoidFocalLoss([[2.0, -1.0]], [[1, 0]], { reduction: 'mean' }).item();
 * sigmoidFocalLoss([[2.0, -1.0]], [[1, 0]], { alpha: -1, gamma: 0 }); // plain BCE with logits
 * ```
 */
export function sigmoidFocalLoss(inputs: TensorLike, targets: TensorLike, options: SigmoidFocalLossOptions = {}): Tensor {
  checkOptions(spec.name, options, spec.options);
  return runLoss(spec, targets, inputs, options);
}

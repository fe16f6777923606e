/**
 * @internal The one way every loss runs: a spec validates the call and names its op's inputs and
 * attributes; the runner calls the op, or — for a loss class without a sample weight — first
 * decides whether its Keras reduction can be fused into the op's kernel pass.
 */
import type { Tensor, TensorLike } from '@focalgrad/tensor';
import type { Reduction } from '../reduction.js';
import type { LossAttrs } from './lossOp.js';

/** A validated call: the op's inputs `[yTrue, yPred]` and its attributes (`reduceBy` unset). */
export interface PreparedCall<A extends LossAttrs> {
  inputs: [Tensor, Tensor];
  attrs: A;
}

/**
 * A loss: its validation (`prepare`, which throws the loss's typed errors) and its fused op.
 *
 * @typeParam O - the loss function's options.
 * @typeParam A - the op's attributes.
 */
export interface LossSpec<O, A extends LossAttrs> {
  /** The loss function's name, used in its errors. */
  readonly name: string;
  /** Every option the loss function accepts: any other key is a typed error, never ignored. */
  readonly options: readonly string[];
  prepare(yTrue: TensorLike, yPred: TensorLike, options: O): PreparedCall<A>;
  /** The loss's fused op (from `defineLossOp`). */
  readonly op: (inputs: readonly Tensor[], attrs: A) => Tensor;
}

/** Runs a loss: the per-sample losses (or the reduction the loss itself defines). */
export function runLoss<O, A extends LossAttrs>(spec: LossSpec<O, A>, yTrue: TensorLike, yPred: TensorLike, options: O): Tensor {
  const { inputs, attrs } = spec.prepare(yTrue, yPred, options);
  return spec.op(inputs, attrs);
}

/**
 * The divisor of the fused Keras reduction of the per-sample losses — 1 for `'sum'`, the number of
 * per-sample values for the means (without a sample weight `'mean_with_sample_weight'` is a mean
 * too) — or `null` when the reduction keeps per-sample values or there are none, where the generic
 * reduction runs instead.
 */
export function fusedReduceBy(reduction: Reduction, yPred: Tensor, axis: number | null): number | null {
  if (reduction === null || reduction === 'none' || yPred.size === 0) return null;
  if (reduction === 'sum') return 1;
  return axis === null ? yPred.size : yPred.size / yPred.shape[axis]!;
}

/**
 * A loss class's fast path without a sample weight: the Keras reduction of the per-sample losses
 * computed by the loss's own op in the same kernel pass (the same value as reducing
 * {@link runLoss}'s result), or `null` to take the generic path.
 */
export function runLossReduced<O, A extends LossAttrs>(spec: LossSpec<O, A>, yTrue: TensorLike, yPred: TensorLike, options: O, reduction: Reduction): Tensor | null {
  const { inputs, attrs } = spec.prepare(yTrue, yPred, options);
  const reduceBy = fusedReduceBy(reduction, inputs[1], attrs.axis);
  if (reduceBy === null) return null;
  attrs.reduceBy = reduceBy;
  return spec.op(inputs, attrs);
}

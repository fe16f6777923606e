/**
 * @internal Logit-adjusted crossentropy (Menon et al., ICLR 2021) as a spec: the logits are
 * shifted by `τ · log π` along the class axis (one broadcast add, which autograd differentiates as
 * the identity), then the exact softmax crossentropy runs as the dense or the sparse fused op, by
 * the labels' rank: the same rank as the logits means one-hot or soft labels, one less means
 * integer labels. Nothing else is guessed.
 */
import { ShapeError, type Tensor, type TensorLike, Tensor as T, ValueError, add } from '@focalgrad/tensor';
import { asFloat } from '../core/inputs.js';
import { parsePerClass, perClassConstant } from '../core/perClass.js';
import type { LossSpec, PreparedCall } from '../core/runner.js';
import { checkAtLeast, normalizeAxis } from '../core/validate.js';
import type { DenseAttrs, SparseAttrs } from '../kernels/index.js';
import { denseSpec } from './dense.js';
import { sparseSpec } from './sparse.js';

/** @internal The options the logit-adjusted loss resolves to. */
export interface LogitAdjustedOptions {
  priors?: unknown;
  tau?: unknown;
  axis?: unknown;
  labelSmoothing?: unknown;
  ignoreClass?: unknown;
}

const NAME = 'logitAdjustedCrossentropy';
const dense = denseSpec(NAME, ['fromLogits', 'axis', 'labelSmoothing']);
const sparse = sparseSpec(NAME, 'keras', ['fromLogits', 'axis', 'ignoreClass']);

type Attrs = DenseAttrs | SparseAttrs;

const isPositive = (x: number): boolean => Number.isFinite(x) && x > 0;

function rankOf(x: TensorLike): number {
  if (x instanceof T) return x.ndim;
  let r = 0;
  let v: unknown = x;
  while (Array.isArray(v) || ArrayBuffer.isView(v)) {
    r++;
    v = (v as ArrayLike<unknown>)[0];
  }
  return r;
}

/** `τ · log π_k` along the class axis: π may be priors or counts (only their ratios matter). */
function adjusted(p: Tensor, priors: unknown, tau: number, axis: number): Tensor {
  const k = p.shape[axis]!;
  if (typeof priors === 'number' || priors === undefined) {
    throw new ValueError(NAME, 'priors', `expected ${k} class priors or counts (one per class along axis ${axis}), got ${String(priors)}`);
  }
  const pi = parsePerClass(priors, k, NAME, 'priors', isPositive, 'a finite number > 0').values;
  if (tau === 0) return p;
  const shift = pi.map((v) => tau * Math.log(v));
  return add(p, perClassConstant(shift, p.dtype, p.ndim, axis));
}

/** @internal */
export const logitAdjustedSpec: LossSpec<LogitAdjustedOptions, Attrs> = {
  name: NAME,
  options: ['priors', 'tau', 'axis', 'labelSmoothing', 'ignoreClass'],
  prepare(yTrue, yPred, o): PreparedCall<Attrs> {
    const tau = checkAtLeast(o.tau ?? 1, 0, NAME, 'tau');
    const p = asFloat(yPred, NAME, 'yPred');
    const axis = normalizeAxis(o.axis ?? -1, p.ndim, NAME, 'class');
    if (p.shape[axis] === 0) throw new ShapeError(NAME, 'yPred', `expected at least one class along axis ${axis}, got shape [${p.shape.join(', ')}]`);
    const z = adjusted(p, o.priors, tau, axis);
    if (rankOf(yTrue) === p.ndim) {
      if (o.ignoreClass !== undefined && o.ignoreClass !== null) throw new ValueError(NAME, 'ignoreClass', 'applies to integer labels (one rank less than yPred), got one-hot labels');
      return dense.prepare(yTrue, z, { fromLogits: true, axis, labelSmoothing: o.labelSmoothing });
    }
    if (o.labelSmoothing !== undefined && o.labelSmoothing !== 0) throw new ValueError(NAME, 'labelSmoothing', 'applies to one-hot labels (the rank of yPred), got integer labels');
    return sparse.prepare(yTrue, z, { fromLogits: true, axis, ignoreClass: o.ignoreClass });
  },
  op: (inputs, attrs) => ('mode' in attrs ? sparse.op(inputs, attrs) : dense.op(inputs, attrs)),
};

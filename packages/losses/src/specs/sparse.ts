/**
 * @internal The integer-label softmax losses (Keras sparse categorical crossentropy, the
 * `focal-loss` package's sparse categorical focal loss) as specs: one set of checks, the sparse
 * kernel and its composite; the losses differ in their options and probability path only.
 */
import { ShapeError, type TensorLike } from '@focalgrad/tensor';
import { checkUnitInterval } from '../core/domain.js';
import { asFloat, integerLabels } from '../core/inputs.js';
import { defineLossOp } from '../core/lossOp.js';
import { classFactor } from '../core/perClass.js';
import type { LossSpec } from '../core/runner.js';
import { checkBool, checkIgnoreClass, normalizeAxis } from '../core/validate.js';
import { sparseGradComposite } from '../composite/sparse.js';
import { type SparseAttrs, lossKernels } from '../kernels/index.js';

/** @internal The options a sparse softmax loss resolves to (defaults already applied). */
export interface SparseOptions {
  fromLogits?: unknown;
  axis?: unknown;
  ignoreClass?: unknown;
  gamma?: unknown;
  classWeight?: unknown;
}

/**
 * @internal The spec of a sparse softmax loss named `name` with the probability path `mode`, whose
 * function accepts `options`.
 */
export function sparseSpec(name: string, mode: SparseAttrs['mode'], options: readonly (keyof SparseOptions)[]): LossSpec<SparseOptions, SparseAttrs> {
  return {
    name,
    options,
    prepare(yTrue: TensorLike, yPred: TensorLike, o: SparseOptions) {
      const fromLogits = checkBool(o.fromLogits ?? false, name, 'fromLogits');
      const ignoreClass = checkIgnoreClass(o.ignoreClass, name);
      const p = asFloat(yPred, name, 'yPred');
      const axis = normalizeAxis(o.axis ?? -1, p.ndim, name, 'class');
      const k = p.shape[axis]!;
      if (k === 0) throw new ShapeError(name, 'yPred', `expected at least one class along axis ${axis}, got shape [${p.shape.join(', ')}]`);
      const labels = integerLabels(yTrue, p, axis, k, ignoreClass, name);
      if (!fromLogits) checkUnitInterval(p, name, 'yPred', 'probabilities (fromLogits is false)');
      const gamma = o.gamma === undefined ? null : classFactor(o.gamma, k, name, 'gamma', 0);
      const classWeight = o.classWeight === undefined || o.classWeight === null ? null : classFactor(o.classWeight, k, name, 'classWeight', 1);
      return { inputs: [labels, p], attrs: { axis, reduceBy: null, fromLogits, mode, gamma, classWeight, ignoreClass } };
    },
    op: defineLossOp<SparseAttrs>({
      name,
      softmax: true,
      forward: (labels, x, a, d) => lossKernels.sparse(labels, x, a, name, d),
      composite: (labels, x, g, a) => sparseGradComposite(labels, x, g, a),
    }),
  };
}

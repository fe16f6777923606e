/**
 * @internal The dense-label softmax losses (Keras categorical and categorical focal
 * crossentropy, PolyLoss) as specs: one set of checks, the dense kernel and its composite; the losses differ
 * in their options only.
 */
import { ShapeError, type TensorLike } from '@focalgrad/tensor';
import { checkDistributionRows, checkUnitInterval } from '../core/domain.js';
import { asFloat } from '../core/inputs.js';
import { defineLossOp } from '../core/lossOp.js';
import { classFactor } from '../core/perClass.js';
import type { LossSpec } from '../core/runner.js';
import { checkAtLeast, checkBool, checkSameShape, checkUnit, normalizeAxis } from '../core/validate.js';
import { denseGradComposite } from '../composite/dense.js';
import { type DenseAttrs, lossKernels } from '../kernels/index.js';

/** @internal The options a dense softmax loss resolves to (defaults already applied). */
export interface DenseOptions {
  fromLogits?: unknown;
  labelSmoothing?: unknown;
  axis?: unknown;
  alpha?: unknown;
  gamma?: unknown;
  /** PolyLoss's ε (absent: 0, no polynomial term). */
  epsilon?: unknown;
}

/** @internal The spec of a dense softmax loss named `name`, whose function accepts `options`. */
export function denseSpec(name: string, options: readonly (keyof DenseOptions)[]): LossSpec<DenseOptions, DenseAttrs> {
  return {
    name,
    options,
    prepare(yTrue: TensorLike, yPred: TensorLike, o: DenseOptions) {
      const fromLogits = checkBool(o.fromLogits ?? false, name, 'fromLogits');
      const labelSmoothing = checkUnit(o.labelSmoothing ?? 0, name, 'labelSmoothing');
      const p = asFloat(yPred, name, 'yPred');
      const y = asFloat(yTrue, name, 'yTrue', p);
      const axis = normalizeAxis(o.axis ?? -1, p.ndim, name, 'class');
      checkSameShape(p, y, name, 'yPred', 'yTrue', 'softmax');
      const k = p.shape[axis]!;
      if (k === 0) throw new ShapeError(name, 'yPred', `expected at least one class along axis ${axis}, got shape [${p.shape.join(', ')}]`);
      checkDistributionRows(y, axis, name, 'yTrue');
      if (!fromLogits) checkUnitInterval(p, name, 'yPred', 'probabilities (fromLogits is false)');
      const alpha = o.alpha === undefined ? null : classFactor(o.alpha, k, name, 'alpha', 1);
      // ε >= −1 keeps Poly-1 decreasing in p_t (Leng et al.): below it the loss rewards wrong answers.
      const poly = o.epsilon === undefined ? 0 : checkAtLeast(o.epsilon, -1, name, 'epsilon');
      let gamma = o.gamma === undefined ? null : classFactor(o.gamma, k, name, 'gamma', 0);
      // The polynomial term lives in the kernel's focal branch (γ = 0 there is the plain crossentropy).
      if (poly !== 0 && gamma === null) gamma = new Float64Array(k);
      return { inputs: [y, p], attrs: { axis, reduceBy: null, fromLogits, labelSmoothing, alpha, gamma, poly } };
    },
    op: defineLossOp<DenseAttrs>({
      name,
      softmax: true,
      forward: (y, x, a, d) => lossKernels.dense(y, x, a, name, d),
      composite: (y, x, g, a) => denseGradComposite(y, x, g, a),
    }),
  };
}

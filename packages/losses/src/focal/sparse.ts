/**
 * The `focal-loss` package's `sparse_categorical_focal_loss` / `SparseCategoricalFocalLoss`
 * (integer labels) as a fused op with an analytic, NaN-free backward.
 */
import { type Tensor, type TensorLike, ValueError, checkOptions } from '@focalgrad/tensor';
import { Loss, type LossConfig, type LossOptions } from '../loss.js';
import { callWithIgnoreMask } from '../core/ignoreMask.js';
import { checkPerClassValues, configValue } from '../core/perClass.js';
import { runLoss, runLossReduced } from '../core/runner.js';
import { checkAxisOption, checkBool, checkIgnoreClass, isFiniteNonNegative } from '../core/validate.js';
import { sparseCategoricalFocalLossSpec as spec } from '../specs/sparseCategoricalFocalLoss.js';

/**
 * Options of {@link sparseCategoricalFocalLoss} and {@link SparseCategoricalFocalLoss} (the
 * `focal-loss` package's names in camelCase; `gamma` is required there too).
 *
 * @example
 * ```ts
 * const opts: SparseCategoricalFocalLossOptions = { gamma: [2, 2, 5], classWeight: [1, 1, 4], fromLogits: true };
 * ```
 */
export interface SparseCategoricalFocalLossOptions {
  /**
   * The focusing parameter γ ≥ 0: one number, or one per class, in which case each example uses
   * the γ of its **true** class (as in `focal-loss`). `0` gives the softmax crossentropy.
   */
  gamma: number | readonly number[];
  /** One weight ≥ 0 per class, applied by the true class (default: none, i.e. all 1). */
  classWeight?: readonly number[] | null;
  /** Whether `yPred` holds logits (default `false`: probabilities). */
  fromLogits?: boolean;
  /** The class axis of `yPred` (default `-1`); labels have `yPred`'s shape without it. */
  axis?: number;
  /**
   * A label value to ignore (beyond `focal-loss`; Keras `ignore_class` semantics): those positions
   * get loss 0 and gradient 0, and the loss class leaves them out of the mean.
   */
  ignoreClass?: number | null;
}

/**
 * The `focal-loss` package's `sparse_categorical_focal_loss` (Lin et al. for integer labels), one
 * value per example: `L = w_y · (1 − p_y)^γ_y · xent`.
 *
 * - Logits (`fromLogits: true`): `xent = −log softmax(z)_y` exactly (`tf.nn.sparse_softmax_
 *   cross_entropy_with_logits`) and `p = softmax(z)`. The fused gradient is `A·(e_y − q)` with
 *   `q` the softmax of the non-target logits (the `(1 − p_y)^(γ−1)` of the naive derivative
 *   cancels against `∂p_y/∂z`): finite for any finite logits
 *   (±1e4 included) and any γ ≥ 0 (γ = 0 is the constant factor 1).
 * - Probabilities (default), exactly as `focal-loss`: `xent` is the softmax crossentropy of
 *   `log(clip(p, 1e-7, 1 − 1e-7))`, i.e. `log Σ_k clip(p_k) − log clip(p_y)` (an implicit
 *   renormalisation, so every class gets gradient), while the modulating factor uses the raw,
 *   unclipped `p_y`. The base is `max(1 − p_y, 0)`, so inputs with `p_y > 1` (NaN in
 *   `focal-loss` for fractional γ, and outside the domain of a probability) give a zero factor. For `0 < γ < 1` the
 *   derivative of `(1 − p_y)^γ` is infinite at `p_y = 1`; the gradient uses its value at the
 *   clip boundary `p_y = 1 − 1e-7` (finite), the one-sided limit the reference's clip implies.
 *
 * Labels: integers in `[0, K)` (int32, or floats with integral values: `focal-loss` would
 * truncate other floats, here they throw), of `yPred`'s shape without the class axis, or with a
 * trailing 1 (`focal-loss` flattens and reshapes back). Any class `axis` (moved last by
 * `focal-loss` with a transpose; here handled by strided indexing). Labels are constants (no
 * gradient). One fused op, differentiable twice (second derivatives finite at saturation too):
 * when the call is recorded for autograd, the forward pass also computes the gradient, which the
 * backward only scales by the upstream gradient. With the class axis last, the logits path runs
 * tight loops over blocks of rows; float32 logits use float32-accurate `exp` and `log1p` (values
 * and gradients within float32 rounding of the exact ones).
 *
 * @param yTrue - integer labels.
 * @param yPred - probabilities or logits.
 * @param options - `gamma` (required), `classWeight`, `fromLogits`, `axis`, `ignoreClass`.
 * @returns the per-example losses: `yPred`'s shape without the class axis.
 * @example
 * ```ts
 * // focal-loss docstring (executed doctest): [0.009 0.032 0.082]
 * sparseCategoricalFocalLoss([0, 1, 2], [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.2, 0.2, 0.6]], { gamma: 2 });
 * ```
 */
export function sparseCategoricalFocalLoss(yTrue: TensorLike, yPred: TensorLike, options: SparseCategoricalFocalLossOptions): Tensor {
  checkOptions(spec.name, options, spec.options);
  const name = 'sparseCategoricalFocalLoss';
  const o = (options ?? {}) as Partial<SparseCategoricalFocalLossOptions>;
  return runLoss(spec, yTrue, yPred, {
    gamma: o.gamma === undefined ? missingGamma(name) : o.gamma,
    classWeight: o.classWeight,
    fromLogits: o.fromLogits,
    axis: o.axis,
    ignoreClass: o.ignoreClass,
  });
}

function missingGamma(name: string): never {
  throw new ValueError(name, 'gamma', 'is required (focal-loss has no default): expected a finite number >= 0 or one per class, got undefined');
}

/**
 * The `focal-loss` package's `SparseCategoricalFocalLoss` class: {@link sparseCategoricalFocalLoss}
 * per example, then the sample weight and the reduction (default `'sum_over_batch_size'`, the
 * batch mean of tf.keras's `AUTO`). Unlike `focal-loss`, whose class always uses the last axis,
 * `axis` is forwarded; `ignoreClass` positions are masked out of the mean as in Keras.
 *
 * @example
 * ```ts
 * const loss = new SparseCategoricalFocalLoss({ gamma: 2 });
 * loss.call([0, 1, 2], [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.2, 0.2, 0.6]]).item(); // 0.040919524 (focal-loss doctest)
 * ```
 */
export class SparseCategoricalFocalLoss extends Loss {
  /** The focusing parameter γ (scalar or per class). */
  readonly gamma: number | readonly number[];
  /** The per-class weights, or `null`. */
  readonly classWeight: readonly number[] | null;
  /** Whether predictions are logits. */
  readonly fromLogits: boolean;
  /** The class axis. */
  readonly axis: number;
  /** The ignored label, or `null`. */
  readonly ignoreClass: number | null;

  /** @param options - the loss options (`gamma` required) plus `reduction`, `name` (default `'sparse_categorical_focal_loss'`) and `dtype`. */
  constructor(options: SparseCategoricalFocalLossOptions & LossOptions) {
    super(options ?? {}, 'sparse_categorical_focal_loss', spec.options);
    const o = (options ?? {}) as Partial<SparseCategoricalFocalLossOptions>;
    if (o.gamma === undefined) missingGamma(this.name);
    checkPerClassValues(o.gamma, this.name, 'gamma', isFiniteNonNegative, 'a finite number >= 0');
    if (o.classWeight !== undefined && o.classWeight !== null) {
      if (!Array.isArray(o.classWeight)) throw new ValueError(this.name, 'classWeight', `expected an array of numbers (one per class) or null, got ${typeof o.classWeight}`);
      checkPerClassValues(o.classWeight, this.name, 'classWeight', isFiniteNonNegative, 'a finite number >= 0');
    }
    this.gamma = typeof o.gamma === 'number' ? o.gamma : o.gamma!.slice();
    this.classWeight = o.classWeight === undefined || o.classWeight === null ? null : o.classWeight.slice();
    this.fromLogits = checkBool(o.fromLogits ?? false, this.name, 'fromLogits');
    this.axis = checkAxisOption(o.axis ?? -1, this.name);
    this.ignoreClass = checkIgnoreClass(o.ignoreClass, this.name);
  }

  /**
   * Rebuilds a loss from {@link Loss.getConfig}'s output.
   * @param config - a configuration.
   * @returns the new loss.
   */
  static fromConfig(config: LossConfig): SparseCategoricalFocalLoss {
    return new SparseCategoricalFocalLoss(config as unknown as SparseCategoricalFocalLossOptions & LossOptions);
  }

  /**
   * Computes the loss; with `ignoreClass`, the ignored positions are masked out of the reduction.
   * @param yTrue - integer labels.
   * @param yPred - probabilities or logits.
   * @param sampleWeight - optional weights, broadcast as in Keras.
   * @returns the reduced loss.
   */
  override call(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike): Tensor {
    return callWithIgnoreMask(this, (a, b, c) => super.call(a, b, c), this.ignoreClass, yTrue, yPred, sampleWeight);
  }

  /**
   * The per-example losses.
   * @param yTrue - integer labels.
   * @param yPred - predictions.
   */
  compute(yTrue: Tensor, yPred: Tensor): Tensor {
    return sparseCategoricalFocalLoss(yTrue, yPred, {
      gamma: this.gamma,
      classWeight: this.classWeight,
      fromLogits: this.fromLogits,
      axis: this.axis,
      ignoreClass: this.ignoreClass,
    });
  }

  /**
   * Without a sample weight (and without `ignoreClass`, whose mask is one), the per-example losses
   * and their reduction are one fused op: the same value as the generic path, and — when the loss
   * is differentiated — the forward pass already leaves the finished gradient (`loss.backward()`
   * then only hands it over).
   * @param yTrue - integer labels.
   * @param yPred - predictions.
   */
  protected override computeReduced(yTrue: Tensor, yPred: Tensor): Tensor | null {
    if (this.ignoreClass !== null) return null;
    return runLossReduced(spec, yTrue, yPred, { gamma: this.gamma, classWeight: this.classWeight, fromLogits: this.fromLogits, axis: this.axis }, this.reduction);
  }

  /** Labels are read as float64 so large integer labels survive. */
  protected override keepsIntegerLabels(): boolean {
    return true;
  }

  /** The options reported by {@link Loss.getConfig}. */
  protected options(): Record<string, unknown> {
    return {
      gamma: typeof this.gamma === 'number' ? this.gamma : this.gamma.slice(),
      classWeight: this.classWeight === null ? null : this.classWeight.slice(),
      fromLogits: this.fromLogits,
      axis: this.axis,
      ignoreClass: this.ignoreClass,
    };
  }
}

/**
 * The logit-adjusted softmax crossentropy of Menon et al., "Long-tail learning via logit
 * adjustment" (ICLR 2021): the long-tail baseline the focal loss is compared against.
 */
import { type Tensor, type TensorLike, ValueError, checkOptions } from '@focalgrad/tensor';
import { Loss, type LossConfig, type LossOptions } from '../loss.js';
import { callWithIgnoreMask } from '../core/ignoreMask.js';
import { checkPerClassValues, configValue } from '../core/perClass.js';
import { runLoss, runLossReduced } from '../core/runner.js';
import { checkAtLeast, checkAxisOption, checkIgnoreClass, checkUnit } from '../core/validate.js';
import { logitAdjustedSpec as spec } from '../specs/logitAdjusted.js';

/**
 * Options of {@link logitAdjustedCrossentropy} and {@link LogitAdjustedCrossentropy}.
 *
 * @example
 * ```ts
 * const opts: LogitAdjustedCrossentropyOptions = { priors: [900, 90, 10], tau: 1 }; // class counts work as priors
 * ```
 */
export interface LogitAdjustedCrossentropyOptions {
  /**
   * The class priors π (required): one finite number > 0 per class along the class axis. Only
   * their ratios matter, so class counts work as well as frequencies.
   */
  priors?: readonly number[] | Float64Array;
  /** The temperature τ ≥ 0 of the adjustment (default `1`, the paper's choice; `0` is the plain crossentropy). */
  tau?: number;
  /** The class axis of the logits (default `-1`). */
  axis?: number;
  /** One-hot labels only, in `[0, 1]` (default `0`): labels become `y·(1 − ls) + ls / K`. */
  labelSmoothing?: number;
  /** Integer labels only: a label value whose positions get a zero loss (default none). */
  ignoreClass?: number | null;
}

/**
 * The logit-adjusted crossentropy, one value per sample:
 *
 * `L = −log softmax(z + τ log π)_t` (integer labels) or `−Σ_k y_k log softmax(z + τ log π)_k`
 * (one-hot or soft labels),
 *
 * the loss of Menon et al. (2021, eq. 10): training with it and predicting with the raw logits `z`
 * targets the balanced error. It takes logits only. The labels' rank chooses the form: the rank of
 * `yPred` means one-hot or soft labels (Keras `categorical_crossentropy`), one less means integer
 * labels (Keras `sparse_categorical_crossentropy`); anything else is a `ShapeError`.
 *
 * The crossentropy is the library's fused exact log-softmax op, so values and gradients (to any
 * order) are finite for every finite logit, and the gradient is `softmax(z + τ log π) − y`. The
 * shift is one broadcast add.
 *
 * @param yTrue - integer labels (rank of `yPred` − 1) or one-hot / soft labels (rank of `yPred`).
 * @param yPred - logits.
 * @param options - `priors` (required), `tau`, `axis`, `labelSmoothing`, `ignoreClass`.
 * @returns the per-sample losses: `yPred`'s shape without the class axis.
 * @throws ValueError for missing or non-positive priors, τ < 0, or an option that does not apply
 *   to the labels given; ShapeError for priors of the wrong length or labels of the wrong shape.
 * @example
 * ```ts
 * const logits = [[2.0, 0.5, -1.0], [0.1, 0.3, 0.2]];
 * logitAdjustedCrossentropy([0, 2], logits, { priors: [0.7, 0.2, 0.1] }).toArray();
 * // τ = 0 is the plain crossentropy
 * logitAdjustedCrossentropy([[1, 0, 0], [0, 0, 1]], logits, { priors: [0.7, 0.2, 0.1], tau: 0 });
 * ```
 */
export function logitAdjustedCrossentropy(yTrue: TensorLike, yPred: TensorLike, options: LogitAdjustedCrossentropyOptions = {}): Tensor {
  checkOptions(spec.name, options, spec.options);
  return runLoss(spec, yTrue, yPred, options);
}

/**
 * {@link logitAdjustedCrossentropy} as a Keras-style loss class: the per-sample losses, then the
 * sample weight and the reduction (default `'sum_over_batch_size'`). With `ignoreClass`, the
 * ignored positions are masked out of the reduction as in Keras's sparse crossentropy.
 *
 * @example
 * ```ts
 * const loss = new LogitAdjustedCrossentropy({ priors: [900, 90, 10] });
 * loss.call([0, 2], [[2.0, 0.5, -1.0], [0.1, 0.3, 0.2]]).item();
 * LogitAdjustedCrossentropy.fromConfig(loss.getConfig());
 * ```
 */
export class LogitAdjustedCrossentropy extends Loss {
  /** The class priors (or counts). */
  readonly priors: readonly number[];
  /** The temperature τ. */
  readonly tau: number;
  /** The class axis. */
  readonly axis: number;
  /** The label smoothing (one-hot labels). */
  readonly labelSmoothing: number;
  /** The ignored label (integer labels), or `null`. */
  readonly ignoreClass: number | null;

  /** @param options - the loss options plus `reduction`, `name` (default `'logit_adjusted_crossentropy'`) and `dtype`. */
  constructor(options: LogitAdjustedCrossentropyOptions & LossOptions = {}) {
    super(options, 'logit_adjusted_crossentropy', spec.options);
    if (typeof options.priors !== 'object' || options.priors === null) {
      throw new ValueError(this.name, 'priors', `expected one class prior or count per class, got ${String(options.priors)}`);
    }
    checkPerClassValues(options.priors, this.name, 'priors', (x) => Number.isFinite(x) && x > 0, 'a finite number > 0');
    this.priors = Array.from(options.priors);
    this.tau = checkAtLeast(options.tau ?? 1, 0, this.name, 'tau');
    this.axis = checkAxisOption(options.axis ?? -1, this.name);
    this.labelSmoothing = checkUnit(options.labelSmoothing ?? 0, this.name, 'labelSmoothing');
    this.ignoreClass = checkIgnoreClass(options.ignoreClass, this.name);
  }

  /**
   * Rebuilds a loss from {@link Loss.getConfig}'s output.
   * @param config - a configuration.
   * @returns the new loss.
   */
  static fromConfig(config: LossConfig): LogitAdjustedCrossentropy {
    return new LogitAdjustedCrossentropy(config as LogitAdjustedCrossentropyOptions & LossOptions);
  }

  /**
   * Computes the loss; with `ignoreClass`, the ignored positions are masked out of the reduction.
   * @param yTrue - integer or one-hot labels.
   * @param yPred - logits.
   * @param sampleWeight - optional weights, broadcast as in Keras.
   * @returns the reduced loss.
   */
  override call(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike): Tensor {
    return callWithIgnoreMask(this, (a, b, c) => super.call(a, b, c), this.ignoreClass, yTrue, yPred, sampleWeight);
  }

  /**
   * The per-sample losses.
   * @param yTrue - labels.
   * @param yPred - logits.
   */
  compute(yTrue: Tensor, yPred: Tensor): Tensor {
    return logitAdjustedCrossentropy(yTrue, yPred, this.options() as LogitAdjustedCrossentropyOptions);
  }

  /**
   * Without a sample weight (and without `ignoreClass`), the per-sample losses and their reduction
   * are one fused op: the same value as the generic path.
   * @param yTrue - labels.
   * @param yPred - logits.
   */
  protected override computeReduced(yTrue: Tensor, yPred: Tensor): Tensor | null {
    if (this.ignoreClass !== null) return null;
    return runLossReduced(spec, yTrue, yPred, this.options(), this.reduction);
  }

  /** Integer labels are read as float64 so large labels survive. */
  protected override keepsIntegerLabels(): boolean {
    return true;
  }

  /** The options reported by {@link Loss.getConfig}. */
  protected options(): Record<string, unknown> {
    return { priors: configValue(this.priors), tau: this.tau, axis: this.axis, labelSmoothing: this.labelSmoothing, ignoreClass: this.ignoreClass };
  }
}

/**
 * Keras 3 `sparse_categorical_crossentropy` / `SparseCategoricalCrossentropy`: integer labels, as a
 * fused op with an analytic backward, including Keras's `ignore_class`.
 */
import { type Tensor, type TensorLike, checkOptions } from '@focalgrad/tensor';
import { Loss, type LossConfig, type LossOptions } from '../loss.js';
import { callWithIgnoreMask } from '../core/ignoreMask.js';
import { runLoss, runLossReduced } from '../core/runner.js';
import { checkAxisOption, checkBool, checkIgnoreClass } from '../core/validate.js';
import { sparseCategoricalCrossentropySpec as spec } from '../specs/sparseCategoricalCrossentropy.js';

/**
 * Options of {@link sparseCategoricalCrossentropy} and {@link SparseCategoricalCrossentropy}
 * (Keras names in camelCase, Keras defaults).
 *
 * @example
 * ```ts
 * const opts: SparseCategoricalCrossentropyOptions = { fromLogits: true, ignoreClass: -1 };
 * ```
 */
export interface SparseCategoricalCrossentropyOptions {
  /** Whether `yPred` holds logits (default `false`: probabilities). */
  fromLogits?: boolean;
  /** The class axis of `yPred` (default `-1`); labels have `yPred`'s shape without it. */
  axis?: number;
  /**
   * A label value to ignore (default none), e.g. `-1` or `255` for a "void" class; it may lie
   * outside `[0, K)`. Those positions get loss 0 and gradient 0, and the loss classes leave them
   * out of the mean (Keras `ignore_class`).
   */
  ignoreClass?: number | null;
}

/**
 * Keras 3 `sparse_categorical_crossentropy`: the crossentropy between integer labels and predicted
 * probabilities or logits, one value per sample.
 *
 * - Probabilities (default): as Keras's backend, each row is divided by its sum and clipped to
 *   `[1e-7, 1 − 1e-7]`; the loss is `−log o_y`. Clipped entries get no gradient; a row summing to 0
 *   throws a `ValueError` (NaN in Keras).
 * - Logits: `logsumexp(z) − z_y`, exact and uncapped.
 *
 * Labels: integers (int32 tensors, or floats with integral values) in `[0, K)`, of `yPred`'s shape
 * without the class axis, or with an extra trailing 1 (squeezed, as Keras does). Any class `axis`
 * works (Keras's TensorFlow backend accepts only the last). With `ignoreClass`, positions with
 * that label get loss 0 and gradient 0 (Keras `ignore_class`; the class also leaves them out of
 * the mean). Labels are constants: they get no gradient. One fused op, differentiable twice.
 *
 * @param yTrue - integer labels.
 * @param yPred - probabilities or logits.
 * @param options - `fromLogits`, `axis`, `ignoreClass`.
 * @returns the per-sample losses: `yPred`'s shape without the class axis.
 * @example
 * ```ts
 * // Keras docstring: [0.0513, 2.303]
 * sparseCategoricalCrossentropy([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]).toArray();
 * ```
 */
export function sparseCategoricalCrossentropy(yTrue: TensorLike, yPred: TensorLike, options: SparseCategoricalCrossentropyOptions = {}): Tensor {
  checkOptions(spec.name, options, spec.options);
  return runLoss(spec, yTrue, yPred, {
    fromLogits: options.fromLogits,
    axis: options.axis,
    ignoreClass: options.ignoreClass,
  });
}

/**
 * The Keras 3 `SparseCategoricalCrossentropy` loss class: {@link sparseCategoricalCrossentropy} per
 * sample, then the sample weight and the reduction (default `'sum_over_batch_size'`). With
 * `ignoreClass`, the ignored positions are masked out of the reduction exactly as Keras's
 * `Loss.__call__` does: `'sum_over_batch_size'` and `'mean'` divide by the number of valid
 * positions, `'mean_with_sample_weight'` by the sum of their weights.
 *
 * @example
 * ```ts
 * const scce = new SparseCategoricalCrossentropy();
 * scce.call([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]).item(); // 1.177 (Keras docs)
 * ```
 */
export class SparseCategoricalCrossentropy extends Loss {
  /** Whether predictions are logits. */
  readonly fromLogits: boolean;
  /** The class axis. */
  readonly axis: number;
  /** The ignored label, or `null`. */
  readonly ignoreClass: number | null;

  /** @param options - the loss options plus `reduction`, `name` (default `'sparse_categorical_crossentropy'`) and `dtype`. */
  constructor(options: SparseCategoricalCrossentropyOptions & LossOptions = {}) {
    super(options, 'sparse_categorical_crossentropy', spec.options);
    this.fromLogits = checkBool(options.fromLogits ?? false, this.name, 'fromLogits');
    this.axis = checkAxisOption(options.axis ?? -1, this.name);
    this.ignoreClass = checkIgnoreClass(options.ignoreClass, this.name);
  }

  /**
   * Rebuilds a loss from {@link Loss.getConfig}'s output.
   * @param config - a configuration.
   * @returns the new loss.
   */
  static fromConfig(config: LossConfig): SparseCategoricalCrossentropy {
    return new SparseCategoricalCrossentropy(config as SparseCategoricalCrossentropyOptions & LossOptions);
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
   * The per-sample losses.
   * @param yTrue - integer labels.
   * @param yPred - predictions.
   */
  compute(yTrue: Tensor, yPred: Tensor): Tensor {
    return sparseCategoricalCrossentropy(yTrue, yPred, { fromLogits: this.fromLogits, axis: this.axis, ignoreClass: this.ignoreClass });
  }

  /**
   * Without a sample weight (and without `ignoreClass`, whose mask is one), the per-sample losses
   * and their reduction are one fused op: the same value as the generic path.
   * @param yTrue - integer labels.
   * @param yPred - predictions.
   */
  protected override computeReduced(yTrue: Tensor, yPred: Tensor): Tensor | null {
    if (this.ignoreClass !== null) return null;
    return runLossReduced(spec, yTrue, yPred, { fromLogits: this.fromLogits, axis: this.axis }, this.reduction);
  }

  /** Labels are read as float64 so large integer labels survive. */
  protected override keepsIntegerLabels(): boolean {
    return true;
  }

  /** The options reported by {@link Loss.getConfig}. */
  protected options(): Record<string, unknown> {
    return { fromLogits: this.fromLogits, axis: this.axis, ignoreClass: this.ignoreClass };
  }
}

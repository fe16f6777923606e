/**
 * Keras 3 `categorical_crossentropy` / `CategoricalCrossentropy`: one-hot (or soft) labels, as a
 * fused op with an analytic backward.
 */
import { type Tensor, type TensorLike, checkOptions } from '@focalgrad/tensor';
import { Loss, type LossConfig, type LossOptions } from '../loss.js';
import { squeezeOrExpandToSameRank } from '../reduction.js';
import { runLoss } from '../core/runner.js';
import { checkAxisOption, checkBool, checkUnit } from '../core/validate.js';
import { categoricalCrossentropySpec as spec } from '../specs/categoricalCrossentropy.js';

/**
 * Options of {@link categoricalCrossentropy} and {@link CategoricalCrossentropy} (Keras names in
 * camelCase, Keras defaults).
 *
 * @example
 * ```ts
 * const opts: CategoricalCrossentropyOptions = { fromLogits: true, labelSmoothing: 0.1, axis: -1 };
 * ```
 */
export interface CategoricalCrossentropyOptions {
  /**
   * Whether `yPred` holds logits (default `false`: probabilities). Logits go through an exact
   * log-softmax, as in Keras's `from_logits=True` path.
   */
  fromLogits?: boolean;
  /**
   * In `[0, 1]` (default `0`): labels become `y·(1 − labelSmoothing) + labelSmoothing / K`, with
   * `K` the size of the class `axis` (the Keras master rule; Keras ≤ 3.15.1 used the size of the
   * last axis whatever `axis` was).
   */
  labelSmoothing?: number;
  /** The class axis (default `-1`). */
  axis?: number;
}

/**
 * Keras 3 `categorical_crossentropy`: the crossentropy between one-hot (or soft) labels and
 * predicted probabilities or logits, summed over the class `axis`, one value per sample.
 *
 * - Probabilities (default): each row is divided by its sum, clipped to `[1e-7, 1 − 1e-7]`, and
 *   the loss is `−Σ y·log(o)` (Keras's backend `categorical_crossentropy`). The gradient is zero
 *   for clipped entries, as through Keras's clip. A row summing to 0 (NaN in Keras) throws a
 *   `ValueError`.
 * - Logits (`fromLogits: true`): `−Σ y·logSoftmax(z)`, exact and uncapped, like Keras's
 *   `softmax_cross_entropy_with_logits` path.
 *
 * One fused op with a single-pass analytic gradient, differentiable twice. `yTrue` is a constant:
 * it gets no gradient. A class axis of size 1 is accepted (the loss is then 0 from logits; Keras
 * only warns).
 *
 * @param yTrue - one-hot or soft labels, the shape of `yPred`.
 * @param yPred - probabilities or logits.
 * @param options - `fromLogits`, `labelSmoothing`, `axis`.
 * @returns the per-sample losses: `yPred`'s shape without the class axis.
 * @example
 * ```ts
 * // Keras docstring: [0.0513, 2.303]
 * categoricalCrossentropy([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]).toArray();
 * ```
 */
export function categoricalCrossentropy(yTrue: TensorLike, yPred: TensorLike, options: CategoricalCrossentropyOptions = {}): Tensor {
  checkOptions(spec.name, options, spec.options);
  return runLoss(spec, yTrue, yPred, { fromLogits: options.fromLogits, labelSmoothing: options.labelSmoothing, axis: options.axis });
}

/**
 * The Keras 3 `CategoricalCrossentropy` loss class: {@link categoricalCrossentropy} per sample,
 * then the sample weight and the reduction (default `'sum_over_batch_size'`).
 *
 * @example
 * ```ts
 * const cce = new CategoricalCrossentropy();
 * cce.call([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]).item(); // 1.177 (Keras docs)
 * ```
 */
export class CategoricalCrossentropy extends Loss {
  /** Whether predictions are logits. */
  readonly fromLogits: boolean;
  /** The label smoothing in `[0, 1]`. */
  readonly labelSmoothing: number;
  /** The class axis. */
  readonly axis: number;

  /** @param options - the loss options plus `reduction`, `name` (default `'categorical_crossentropy'`) and `dtype`. */
  constructor(options: CategoricalCrossentropyOptions & LossOptions = {}) {
    super(options, 'categorical_crossentropy', spec.options);
    this.fromLogits = checkBool(options.fromLogits ?? false, this.name, 'fromLogits');
    this.labelSmoothing = checkUnit(options.labelSmoothing ?? 0, this.name, 'labelSmoothing');
    this.axis = checkAxisOption(options.axis ?? -1, this.name);
  }

  /**
   * Rebuilds a loss from {@link Loss.getConfig}'s output.
   * @param config - a configuration.
   * @returns the new loss.
   */
  static fromConfig(config: LossConfig): CategoricalCrossentropy {
    return new CategoricalCrossentropy(config as CategoricalCrossentropyOptions & LossOptions);
  }

  /**
   * The per-sample losses (Keras's rank fix-up of `yTrue` against `yPred` first).
   * @param yTrue - labels.
   * @param yPred - predictions.
   */
  compute(yTrue: Tensor, yPred: Tensor): Tensor {
    const [t, p] = squeezeOrExpandToSameRank(yTrue, yPred);
    return categoricalCrossentropy(t, p, { fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing, axis: this.axis });
  }

  /** The options reported by {@link Loss.getConfig}. */
  protected options(): Record<string, unknown> {
    return { fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing, axis: this.axis };
  }
}

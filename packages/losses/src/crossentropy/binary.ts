/**
 * Keras 3's `binary_crossentropy` / `BinaryCrossentropy` as one fused op with an analytic,
 * twice-differentiable backward.
 */
import { type Tensor, type TensorLike, checkOptions } from '@focalgrad/tensor';
import { Loss, type LossConfig, type LossOptions } from '../loss.js';
import { squeezeOrExpandToSameRank } from '../reduction.js';
import { runLoss, runLossReduced } from '../core/runner.js';
import { checkAxisOption, checkBool, checkUnit } from '../core/validate.js';
import { binaryCrossentropySpec as spec } from '../specs/binaryCrossentropy.js';

/**
 * Options of {@link binaryCrossentropy} (Keras 3 names in camelCase, Keras defaults).
 *
 * @example
 * ```ts
 * const opts: BinaryCrossentropyOptions = { fromLogits: true, labelSmoothing: 0.1 };
 * ```
 */
export interface BinaryCrossentropyOptions {
  /** Whether `yPred` holds logits (default `false`: probabilities). */
  fromLogits?: boolean;
  /** In `[0, 1]`: labels become `y·(1 − ls) + 0.5·ls` (default 0). */
  labelSmoothing?: number;
  /** The axis the elementwise crossentropy is averaged over (default -1). */
  axis?: number;
}

/**
 * Binary crossentropy with Keras 3 semantics: labels are smoothed toward 0.5 when
 * `labelSmoothing > 0`, the elementwise crossentropy is averaged over `axis`.
 *
 * - `fromLogits: true`: the unclipped, stable BCE with logits
 *   `y·softplus(−x) + (1 − y)·softplus(x)` (TensorFlow's `sigmoid_cross_entropy_with_logits`, which
 *   is also what Keras 3's TensorFlow backend uses); finite for logits of ±1e4.
 * - `fromLogits: false`: `−(y·log p_c + (1 − y)·log(1 − p_c))` with `p_c = clip(p, 1e-7, 1 − 1e-7)`
 *   in the compute dtype (in float32 the upper bound is `0.99999988`, as in Keras); the gradient is
 *   zero outside the clip range, as Keras's.
 *
 * One fused op: value and derivative (`σ(x) − y` or `(p − y) / (p(1 − p))`) come from one kernel
 * pass when the call is recorded for autograd, and the backward is differentiable again. `yTrue` is a constant: it receives no gradient (`null`).
 *
 * @param yTrue - labels in [0, 1] (cast to `yPred`'s dtype), same shape as `yPred`.
 * @param yPred - probabilities or logits (float32 for plain arrays).
 * @param options - `fromLogits`, `labelSmoothing`, `axis`.
 * @returns the per-sample loss: `yPred`'s shape without `axis`.
 * @throws ShapeError if the shapes differ or `axis` is out of range; ValueError for a
 *   `labelSmoothing` outside [0, 1], a non-boolean `fromLogits`, labels or probabilities outside
 *   [0, 1], NaN logits, or an unknown option key.
 * @example
 * ```ts
 * // keras/src/losses/losses.py, binary_crossentropy docstring
 * binaryCrossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]).toArray(); // [0.916, 0.714]
 * binaryCrossentropy([0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8], { fromLogits: true }).item(); // 0.8654
 * ```
 */
export function binaryCrossentropy(yTrue: TensorLike, yPred: TensorLike, options: BinaryCrossentropyOptions = {}): Tensor {
  checkOptions(spec.name, options, spec.options);
  return runLoss(spec, yTrue, yPred, options);
}

/**
 * Options of the {@link BinaryCrossentropy} class: the function's options plus `reduction`,
 * `name` (default `'binary_crossentropy'`) and `dtype`.
 *
 * @example
 * ```ts
 * const opts: BinaryCrossentropyLossOptions = { fromLogits: true, reduction: 'sum' };
 * ```
 */
export interface BinaryCrossentropyLossOptions extends BinaryCrossentropyOptions, LossOptions {}

/**
 * Keras 3's `BinaryCrossentropy` loss class: {@link binaryCrossentropy} per sample (after Keras's
 * `squeezeOrExpandToSameRank` of the labels and predictions), then the sample weight and the
 * reduction (default `'sum_over_batch_size'`).
 *
 * @example
 * ```ts
 * // keras/src/losses/losses.py, BinaryCrossentropy docstring
 * const bce = new BinaryCrossentropy({ fromLogits: true });
 * bce.call([[0, 1], [0, 0]], [[-18.6, 0.51], [2.94, -12.8]]).item();                      // 0.8654
 * bce.call([[0, 1], [0, 0]], [[-18.6, 0.51], [2.94, -12.8]], [0.8, 0.2]).item();          // 0.243
 * ```
 */
export class BinaryCrossentropy extends Loss {
  /** Whether predictions are logits. */
  readonly fromLogits: boolean;
  /** Label smoothing toward 0.5. */
  readonly labelSmoothing: number;
  /** The averaged axis. */
  readonly axis: number;

  /** @param options - the function's options plus `reduction`, `name` and `dtype`. */
  constructor(options: BinaryCrossentropyLossOptions = {}) {
    super(options, 'binary_crossentropy', spec.options);
    const { fromLogits = false, labelSmoothing = 0, axis = -1 } = options;
    this.fromLogits = checkBool(fromLogits, this.name, 'fromLogits');
    this.labelSmoothing = checkUnit(labelSmoothing, this.name, 'labelSmoothing');
    this.axis = checkAxisOption(axis, this.name);
  }

  /**
   * The per-sample losses.
   * @param yTrue - labels.
   * @param yPred - predictions.
   */
  compute(yTrue: Tensor, yPred: Tensor): Tensor {
    const [t, p] = squeezeOrExpandToSameRank(yTrue, yPred);
    return runLoss(spec, t, p, this.options());
  }

  /**
   * Without a sample weight, the per-sample losses and their reduction are one fused op.
   * @param yTrue - labels.
   * @param yPred - predictions.
   */
  protected override computeReduced(yTrue: Tensor, yPred: Tensor): Tensor | null {
    const [t, p] = squeezeOrExpandToSameRank(yTrue, yPred);
    return runLossReduced(spec, t, p, this.options(), this.reduction);
  }

  /** The options for {@link Loss.getConfig} (and the function's options). */
  protected options(): Required<BinaryCrossentropyOptions> {
    return { fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing, axis: this.axis };
  }

  /**
   * Recreates a loss from {@link Loss.getConfig}'s output.
   * @param config - a configuration.
   * @returns the loss.
   */
  static fromConfig(config: LossConfig): BinaryCrossentropy {
    return new BinaryCrossentropy(config as BinaryCrossentropyLossOptions);
  }
}

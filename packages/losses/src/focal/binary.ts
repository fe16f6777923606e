/**
 * Keras's `binary_focal_crossentropy` / `BinaryFocalCrossentropy` (Keras 3, and tf.keras 2 /
 * Keras 3 TensorFlow backend for logits) as one fused op with an analytic, NaN-free backward that
 * is differentiable again.
 */
import { type Tensor, type TensorLike, checkOptions } from '@focalgrad/tensor';
import { Loss, type LossConfig, type LossOptions } from '../loss.js';
import { squeezeOrExpandToSameRank } from '../reduction.js';
import { checkPerClassValues, configValue } from '../core/perClass.js';
import { runLoss, runLossReduced } from '../core/runner.js';
import { checkAxisOption, checkBool, checkUnit, isFiniteNonNegative, isUnit } from '../core/validate.js';
import { binaryFocalCrossentropySpec as spec } from '../specs/binaryFocalCrossentropy.js';

/**
 * Options of {@link binaryFocalCrossentropy} (Keras names in camelCase, Keras defaults).
 * `gamma` and `alpha` may also be given per class: one value per position along the last axis.
 *
 * @example
 * ```ts
 * const opts: BinaryFocalCrossentropyOptions = { applyClassBalancing: true, alpha: 0.25, gamma: 2, fromLogits: true };
 * const perLabel: BinaryFocalCrossentropyOptions = { gamma: [2, 0.5, 5], alpha: [0.25, 0.5, 0.75], applyClassBalancing: true };
 * ```
 */
export interface BinaryFocalCrossentropyOptions {
  /** Weight positives by `alpha` and negatives by `1 − alpha` (default `false`: alpha is ignored). */
  applyClassBalancing?: boolean;
  /** The weight of class 1 when `applyClassBalancing` is set (default 0.25); a number or one per class. */
  alpha?: number | readonly number[];
  /** The focusing parameter γ >= 0 (default 2); a number or one per class. `0` gives the BCE. */
  gamma?: number | readonly number[];
  /** Whether `yPred` holds logits (default `false`: probabilities). */
  fromLogits?: boolean;
  /** In `[0, 1]`: labels become `y·(1 − ls) + 0.5·ls`, used everywhere (p_t, BCE, class weight). */
  labelSmoothing?: number;
  /** The axis the elementwise loss is averaged over (default -1). */
  axis?: number;
}

/**
 * The binary focal crossentropy of Lin et al. (2017) with Keras semantics, per sample:
 *
 *   `mean over axis of  w · (1 − p_t)^γ · BCE(y, p)`,  `p_t = y·p + (1 − y)·(1 − p)`,
 *   `w = y·α + (1 − y)·(1 − α)` if `applyClassBalancing`, else 1,
 *
 * with `y` the smoothed label `y·(1 − ls) + 0.5·ls` everywhere.
 *
 * - `fromLogits: true` follows tf.keras 2 and Keras 3's TensorFlow backend: the BCE is the
 *   unclipped BCE with logits and the whole loss is evaluated in log space
 *   (`log p_t = −softplus(−x_t)`, `(1 − p_t)^γ = exp(−γ·softplus(x_t))`), so logits of ±1e4 give
 *   finite values and gradients. (Keras 3's numpy/jax/torch backends instead clip `σ(x)`; they
 *   agree with this for |x| below about 16.)
 * - `fromLogits: false` follows Keras 3: the BCE uses `clip(p, 1e-7, 1 − 1e-7)` (in the compute
 *   dtype) while the focal factor uses the raw `p`. Probabilities of exactly 0 or 1 are fine.
 *
 * Gradient: `∂/∂x = w·(1 − p_t)^γ·(σ(x) − y) + w·γ·(1 − p_t)^γ·(σ(x)σ(−x)/(1 − p_t))·(1 − 2y)·BCE`
 * (for hard labels `s·w·(1 − p_t)^γ·(γ·p_t·log p_t + p_t − 1)`, Lin et al. appendix B), computed by
 * the same fused kernel as the loss — when the call is recorded for autograd, the forward pass
 * computes value and derivative together and the backward only scales them (else the backward
 * recomputes them, with identical results) — and differentiable again (`gradgradcheck` passes). γ = 0 is the constant factor
 * 1 (no `0^0` gradient NaN). On the probability path with 0 < γ < 1, the derivative of
 * `(1 − p_t)^γ` is infinite at `p_t = 1`; where `1 − p_t < 1e-7` (inside Keras's clip zone) it is
 * evaluated at `1 − p_t = 1e-7`, its one-sided limit at the clip boundary, so the gradient stays
 * finite. Labels and probabilities must lie in [0, 1] (Keras accepts others and returns NaN or a
 * wrong number); infinite logits give the limits (see the README's guarantees).
 *
 * `yTrue` is a constant: it receives no gradient (`null`).
 *
 * @param yTrue - labels, usually 0/1 (soft labels work); cast to `yPred`'s dtype; same shape as `yPred`.
 * @param yPred - probabilities or logits (float32 for plain arrays).
 * @param options - see {@link BinaryFocalCrossentropyOptions}.
 * @returns the per-sample loss: `yPred`'s shape without `axis`.
 * @throws ShapeError for mismatched shapes, an axis out of range or per-class arrays whose length
 *   is not the last dimension; ValueError for a negative or non-finite `gamma`, an `alpha` outside
 *   [0, 1], `labelSmoothing` outside [0, 1], non-boolean flags, labels or probabilities outside
 *   [0, 1], NaN logits, or an unknown option key.
 * @example
 * ```ts
 * // keras/src/losses/losses.py, binary_focal_crossentropy docstring
 * binaryFocalCrossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], { gamma: 2 }).toArray(); // [0.330, 0.206]
 * // from logits, class-balanced, one γ per label
 * binaryFocalCrossentropy([[0, 1]], [[-1.2, 3]], { fromLogits: true, applyClassBalancing: true, gamma: [2, 0.5] });
 * ```
 */
export function binaryFocalCrossentropy(yTrue: TensorLike, yPred: TensorLike, options: BinaryFocalCrossentropyOptions = {}): Tensor {
  checkOptions(spec.name, options, spec.options);
  return runLoss(spec, yTrue, yPred, options);
}

/**
 * Options of the {@link BinaryFocalCrossentropy} class: the function's options plus `reduction`,
 * `name` (default `'binary_focal_crossentropy'`) and `dtype`.
 *
 * @example
 * ```ts
 * const opts: BinaryFocalCrossentropyLossOptions = { gamma: 4, fromLogits: true, reduction: 'sum' };
 * ```
 */
export interface BinaryFocalCrossentropyLossOptions extends BinaryFocalCrossentropyOptions, LossOptions {}

/**
 * Keras's `BinaryFocalCrossentropy` loss class: Keras 3's `squeezeOrExpandToSameRank` of labels
 * and predictions (so labels `(N,)` with predictions `(N, 1)` give `(N,)` per-sample losses), then
 * {@link binaryFocalCrossentropy} per sample, the sample weight and the reduction (default
 * `'sum_over_batch_size'`: the weighted sum divided by the number of per-sample values).
 *
 * @example
 * ```ts
 * // tf.keras BinaryFocalCrossentropy docs, example 1
 * const loss = new BinaryFocalCrossentropy({ gamma: 2, fromLogits: true });
 * loss.call([0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8]).item(); // 0.691
 * const cfg = loss.getConfig();
 * BinaryFocalCrossentropy.fromConfig(cfg).gamma; // 2
 * ```
 */
export class BinaryFocalCrossentropy extends Loss {
  /** Whether class balancing (alpha) is applied. */
  readonly applyClassBalancing: boolean;
  /** The weight of class 1 (a number or one per class). */
  readonly alpha: number | readonly number[];
  /** The focusing parameter (a number or one per class). */
  readonly gamma: number | readonly number[];
  /** Whether predictions are logits. */
  readonly fromLogits: boolean;
  /** Label smoothing toward 0.5. */
  readonly labelSmoothing: number;
  /** The averaged axis. */
  readonly axis: number;

  /** @param options - the function's options plus `reduction`, `name` and `dtype`. */
  constructor(options: BinaryFocalCrossentropyLossOptions = {}) {
    super(options, 'binary_focal_crossentropy', spec.options);
    const { applyClassBalancing = false, alpha = 0.25, gamma = 2, fromLogits = false, labelSmoothing = 0, axis = -1 } = options;
    this.applyClassBalancing = checkBool(applyClassBalancing, this.name, 'applyClassBalancing');
    checkPerClassValues(alpha, this.name, 'alpha', isUnit, 'a number in [0, 1]');
    checkPerClassValues(gamma, this.name, 'gamma', isFiniteNonNegative, 'a finite number >= 0');
    this.alpha = configValue(alpha) as number | number[];
    this.gamma = configValue(gamma) as number | number[];
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
    return runLoss(spec, t, p, this.fnOptions());
  }

  /**
   * Without a sample weight, the per-sample losses and their reduction are one fused op (the same
   * value as the generic path).
   * @param yTrue - labels.
   * @param yPred - predictions.
   */
  protected override computeReduced(yTrue: Tensor, yPred: Tensor): Tensor | null {
    const [t, p] = squeezeOrExpandToSameRank(yTrue, yPred);
    return runLossReduced(spec, t, p, this.fnOptions(), this.reduction);
  }

  private fnOptions(): BinaryFocalCrossentropyOptions {
    return {
      applyClassBalancing: this.applyClassBalancing,
      alpha: this.alpha,
      gamma: this.gamma,
      fromLogits: this.fromLogits,
      labelSmoothing: this.labelSmoothing,
      axis: this.axis,
    };
  }

  /** The options for {@link Loss.getConfig}. */
  protected options(): Record<string, unknown> {
    return {
      applyClassBalancing: this.applyClassBalancing,
      alpha: configValue(this.alpha),
      gamma: configValue(this.gamma),
      fromLogits: this.fromLogits,
      labelSmoothing: this.labelSmoothing,
      axis: this.axis,
    };
  }

  /**
   * Recreates a loss from {@link Loss.getConfig}'s output.
   * @param config - a configuration.
   * @returns the loss.
   */
  static fromConfig(config: LossConfig): BinaryFocalCrossentropy {
    return new BinaryFocalCrossentropy(config as BinaryFocalCrossentropyLossOptions);
  }
}

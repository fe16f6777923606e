/**
 * The Python `focal-loss` package's `binary_focal_loss` / `BinaryFocalLoss`
 * (artemmavrin/focal-loss, `src/focal_loss/_binary_focal_loss.py`) as one fused op with an
 * analytic, twice-differentiable backward.
 */
import { type Tensor, type TensorLike, ValueError, checkOptions } from '@focalgrad/tensor';
import { Loss, type LossConfig, type LossOptions } from '../loss.js';
import { checkPerClassValues, configValue } from '../core/perClass.js';
import { runLoss, runLossReduced } from '../core/runner.js';
import { checkBool, checkUnit, isFiniteNonNegative } from '../core/validate.js';
import { binaryFocalLossSpec as spec } from '../specs/binaryFocalLoss.js';

/**
 * Options of {@link binaryFocalLoss} (the package's names in camelCase). `gamma` is required, as
 * in the reference. `gamma` and `posWeight` may also be given per class (one value per position
 * along the last axis).
 *
 * @example
 * ```ts
 * const opts: BinaryFocalLossOptions = { gamma: 2, posWeight: 0.25, fromLogits: true };
 * ```
 */
export interface BinaryFocalLossOptions {
  /** The focusing parameter γ >= 0 (required); a number or one per class. */
  gamma: number | readonly number[];
  /** Weight of the positive term only (negatives keep weight 1); >= 0, default none (1). */
  posWeight?: number | readonly number[] | null;
  /** Whether `yPred` holds logits (default `false`). */
  fromLogits?: boolean;
  /**
   * In `[0, 1]`, or absent. When given (even 0) labels become `y_s = (1 − ls)·y + 0.5·ls` and the
   * loss is the linear mix `y_s·L₁ + (1 − y_s)·L₀`; when absent, any nonzero label is a positive
   * (probabilities) or selects the positive modulation (logits).
   */
  labelSmoothing?: number | null;
}

/**
 * The `focal-loss` package's binary focal loss, elementwise (no mean over any axis):
 *
 *   `L = −pw·y·(1 − p)^γ·log p − (1 − y)·p^γ·log(1 − p)`
 *
 * exactly as the reference computes it:
 * - probabilities: `q = 1 − p`, then `p ← max(p, 1e-7)`, `q ← max(q, 1e-7)` (lower clamps only,
 *   also inside the modulation); without `labelSmoothing` **any nonzero label is a positive**;
 *   with it (even 0) the two terms are mixed linearly with the smoothed label;
 * - logits: without smoothing `where(y ≠ 0, (1 − p)^γ, p^γ) · ce` with the (pos-weighted) BCE with
 *   logits on the raw label; with smoothing the stable `(1 − y)·p^γ·x + (pw·y·(1 − p)^γ +
 *   (1 − y)·p^γ)·(log(1 + e^−|x|) + max(−x, 0))` form. Logits of ±1e4 give finite values and
 *   gradients.
 *
 * Labels and predictions must have the same shape. The reference broadcasts them, so labels `[N]`
 * against predictions `[N, 1]` give an `[N, N]` loss whose mean looks plausible and is wrong; here
 * that is a ShapeError (reshape one of them). Labels must lie in [0, 1], and so must probabilities
 * (`fromLogits: false`). One fused op with an
 * analytic backward that is differentiable again; every power has a base >= 1e-7 (probabilities)
 * or is taken in log space (logits), so γ in (0, 1), γ = 0 and saturated inputs give finite
 * gradients. `yTrue` is a constant: it receives no gradient (`null`).
 *
 * @param yTrue - labels (0/1; cast to `yPred`'s dtype).
 * @param yPred - probabilities or logits (float32 for plain arrays).
 * @param options - `gamma` (required), `posWeight`, `fromLogits`, `labelSmoothing`.
 * @returns the elementwise loss, with the shape of `yTrue` and `yPred`.
 * @throws ShapeError if the shapes differ or a per-class array has the wrong length; ValueError for
 *   labels or probabilities outside [0, 1], NaN logits, a missing, negative or non-finite `gamma`,
 *   a negative `posWeight`, a `labelSmoothing` outside [0, 1], a non-boolean `fromLogits`, or an
 *   unknown option key.
 * @example
 * ```ts
 * // focal-loss docstring (an executed doctest): [0.001 0.032 0.001]
 * binaryFocalLoss([0, 1, 1], [0.1, 0.7, 0.9], { gamma: 2 }).toArray(); // [0.00105, 0.03210, 0.00105]
 * ```
 */
export function binaryFocalLoss(yTrue: TensorLike, yPred: TensorLike, options: BinaryFocalLossOptions): Tensor {
  checkOptions(spec.name, options, spec.options);
  return runLoss(spec, yTrue, yPred, options);
}

/**
 * Options of the {@link BinaryFocalLoss} class: the function's options plus `reduction`, `name`
 * (default `'binary_focal_loss'`) and `dtype`.
 *
 * @example
 * ```ts
 * const opts: BinaryFocalLossLossOptions = { gamma: 2, posWeight: 0.5, reduction: 'sum' };
 * ```
 */
export interface BinaryFocalLossLossOptions extends BinaryFocalLossOptions, LossOptions {}

/**
 * The `focal-loss` package's `BinaryFocalLoss` class: {@link binaryFocalLoss} elementwise (no rank
 * fix-up, no broadcasting: `.call([0, 1, 1], [[0.2], [0.7], [0.9]])` is a ShapeError, where the
 * reference returns the mean of a `[3, 3]` broadcast), then the sample weight and the reduction. The default
 * `'sum_over_batch_size'` is the **mean over all elements**, as tf.keras's `AUTO` reduction of the
 * elementwise loss.
 *
 * @example
 * ```ts
 * // focal-loss docstring (an executed doctest): "Mean focal loss: 0.011"
 * new BinaryFocalLoss({ gamma: 2 }).call([0, 1, 1], [0.1, 0.7, 0.9]).item(); // 0.0114
 * ```
 */
export class BinaryFocalLoss extends Loss {
  /** The focusing parameter (a number or one per class). */
  readonly gamma: number | readonly number[];
  /** The positive-term weight, or `null` for none. */
  readonly posWeight: number | readonly number[] | null;
  /** Whether predictions are logits. */
  readonly fromLogits: boolean;
  /** Label smoothing, or `null` for none (hard-label selection). */
  readonly labelSmoothing: number | null;

  /** @param options - the function's options (with the required `gamma`) plus `reduction`, `name` and `dtype`. */
  constructor(options: BinaryFocalLossLossOptions) {
    super(options ?? {}, 'binary_focal_loss', spec.options);
    const { gamma, posWeight = null, fromLogits = false, labelSmoothing = null } = options ?? ({} as BinaryFocalLossLossOptions);
    if (gamma === undefined) throw new ValueError(this.name, 'gamma', 'is required (a number >= 0, or one per class), got undefined');
    checkPerClassValues(gamma, this.name, 'gamma', isFiniteNonNegative, 'a finite number >= 0');
    if (posWeight !== null && posWeight !== undefined) checkPerClassValues(posWeight, this.name, 'posWeight', isFiniteNonNegative, 'a finite number >= 0');
    this.gamma = configValue(gamma) as number | number[];
    this.posWeight = (configValue(posWeight) ?? null) as number | number[] | null;
    this.fromLogits = checkBool(fromLogits, this.name, 'fromLogits');
    this.labelSmoothing = labelSmoothing === null || labelSmoothing === undefined ? null : checkUnit(labelSmoothing, this.name, 'labelSmoothing');
  }

  /**
   * The elementwise losses.
   * @param yTrue - labels.
   * @param yPred - predictions.
   */
  compute(yTrue: Tensor, yPred: Tensor): Tensor {
    return runLoss(spec, yTrue, yPred, this.fnOptions());
  }

  /**
   * Without a sample weight, the elementwise losses and their reduction are one fused op.
   * @param yTrue - labels.
   * @param yPred - predictions.
   */
  protected override computeReduced(yTrue: Tensor, yPred: Tensor): Tensor | null {
    return runLossReduced(spec, yTrue, yPred, this.fnOptions(), this.reduction);
  }

  private fnOptions(): BinaryFocalLossOptions {
    return { gamma: this.gamma, posWeight: this.posWeight, fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing };
  }

  /** The options for {@link Loss.getConfig}. */
  protected options(): Record<string, unknown> {
    return {
      gamma: configValue(this.gamma),
      posWeight: configValue(this.posWeight) ?? null,
      fromLogits: this.fromLogits,
      labelSmoothing: this.labelSmoothing,
    };
  }

  /**
   * Recreates a loss from {@link Loss.getConfig}'s output.
   * @param config - a configuration.
   * @returns the loss.
   */
  static fromConfig(config: LossConfig): BinaryFocalLoss {
    return new BinaryFocalLoss(config as unknown as BinaryFocalLossLossOptions);
  }
}

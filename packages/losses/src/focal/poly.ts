/**
 * PolyLoss (Leng et al., ICLR 2022) — Poly-1 over the crossentropy (optax's
 * `poly_loss_cross_entropy`) and over the focal loss — as a fused op with an analytic, NaN-free
 * backward that is differentiable again.
 */
import { type Tensor, type TensorLike, checkOptions } from '@focalgrad/tensor';
import { Loss, type LossConfig, type LossOptions } from '../loss.js';
import { squeezeOrExpandToSameRank } from '../reduction.js';
import { checkPerClassValues, configValue } from '../core/perClass.js';
import { runLoss } from '../core/runner.js';
import { checkAtLeast, checkAxisOption, checkBool, checkUnit, isFiniteNonNegative } from '../core/validate.js';
import { polyLossSpec as spec } from '../specs/polyLoss.js';

/**
 * Options of {@link polyLoss} and {@link PolyLoss}.
 *
 * @example
 * ```ts
 * const poly1: PolyLossOptions = { epsilon: 2, fromLogits: true };                      // Poly-1 crossentropy (optax)
 * const polyFocal: PolyLossOptions = { epsilon: -1, gamma: 2, alpha: 0.25, fromLogits: true }; // Poly-1 focal
 * ```
 */
export interface PolyLossOptions {
  /**
   * The coefficient ε of the first polynomial term (default `2`, optax's default and the paper's
   * choice for ImageNet; the paper uses −1 for detection with the focal loss). Finite and ≥ −1:
   * below −1 the loss would grow as the true class's probability rises.
   */
  epsilon?: number;
  /**
   * The focusing parameter γ ≥ 0 (default `0`: Poly-1 over the crossentropy); one number or one
   * per class. With γ > 0 the loss is Poly-1 over the focal loss, `FL + ε (1 − p_t)^(γ+1)`.
   */
  gamma?: number | readonly number[];
  /** The class weight α of the crossentropy or focal term (default `1`); one number or one per class. */
  alpha?: number | readonly number[];
  /** Whether `yPred` holds logits (default `false`: probabilities, renormalised and clipped as in Keras). */
  fromLogits?: boolean;
  /** In `[0, 1]` (default `0`): labels become `y·(1 − ls) + ls / K`, in both terms. */
  labelSmoothing?: number;
  /** The class axis (default `-1`). */
  axis?: number;
}

/**
 * PolyLoss, Poly-1 form, for one-hot or soft labels, one value per sample:
 *
 * `L = Σ_k [ α_k y_k (1 − p_k)^γ_k (−log p_k) + ε y_k (1 − p_k)^(γ_k + 1) ]` over the class `axis`,
 *
 * which for one-hot labels is `FL(p_t) + ε (1 − p_t)^(γ+1)`, and for γ = 0, α = 1 optax's
 * `poly_loss_cross_entropy`: `CE + ε Σ_k y_k (1 − p_k)` (soft labels included). The polynomial
 * term is not weighted by α, as in the paper's Poly-1 focal loss.
 *
 * - Logits (`fromLogits: true`): exact log-softmax, as {@link categoricalFocalCrossentropy}.
 * - Probabilities (default): each row is divided by its sum and clipped to `[1e-7, 1 − 1e-7]`
 *   (Keras's categorical convention), in both terms.
 *
 * The gradient is fused and analytic: the polynomial term adds `−ε y_k (γ_k + 1)(1 − p_k)^γ_k` to
 * `∂L/∂p_k`, which has no singularity for any γ ≥ 0, so the loss is finite to second order at
 * saturation, like the focal loss it extends. `yTrue` is a constant.
 *
 * @param yTrue - one-hot or soft labels, the shape of `yPred`.
 * @param yPred - probabilities or logits.
 * @param options - see {@link PolyLossOptions}.
 * @returns the per-sample losses: `yPred`'s shape without the class axis.
 * @throws ValueError for ε below −1 or not finite, a negative or non-finite γ or α, or
 *   `labelSmoothing` outside [0, 1]; ShapeError for mismatched shapes.
 * @example
 * ```ts
 * // optax losses/_classification_test.py, PolyLossTest.test_batched, epsilon = 2: [0.4823, 1.2567]
 * polyLoss([[1, 0, 0], [0, 0.8, 0.2]], [[4, 2, 1], [0, 5, 1]], { epsilon: 2, fromLogits: true }).toArray();
 * // Poly-1 over the focal loss
 * polyLoss([[0, 1, 0]], [[0.2, 2.5, -1]], { epsilon: -1, gamma: 2, alpha: 0.25, fromLogits: true });
 * ```
 */
export function polyLoss(yTrue: TensorLike, yPred: TensorLike, options: PolyLossOptions = {}): Tensor {
  checkOptions(spec.name, options, spec.options);
  return runLoss(spec, yTrue, yPred, {
    epsilon: options.epsilon ?? 2,
    gamma: options.gamma,
    alpha: options.alpha,
    fromLogits: options.fromLogits,
    labelSmoothing: options.labelSmoothing,
    axis: options.axis,
  });
}

/**
 * The {@link polyLoss} as a Keras-style loss class: the per-sample losses, then the sample weight
 * and the reduction (default `'sum_over_batch_size'`).
 *
 * @example
 * ```ts
 * const poly = new PolyLoss({ epsilon: 1, fromLogits: true });
 * poly.call([[1, 0, 0], [0, 0.8, 0.2]], [[4, 2, 1], [0, 5, 1]]).item(); // (0.3261 + 1.0407) / 2, optax's test values for ε = 1
 * PolyLoss.fromConfig(poly.getConfig());
 * ```
 */
export class PolyLoss extends Loss {
  /** The coefficient ε of the polynomial term. */
  readonly epsilon: number;
  /** The focusing parameter γ (scalar or per class). */
  readonly gamma: number | readonly number[];
  /** The class weight α (scalar or per class). */
  readonly alpha: number | readonly number[];
  /** Whether predictions are logits. */
  readonly fromLogits: boolean;
  /** The label smoothing in `[0, 1]`. */
  readonly labelSmoothing: number;
  /** The class axis. */
  readonly axis: number;

  /** @param options - the loss options plus `reduction`, `name` (default `'poly_loss'`) and `dtype`. */
  constructor(options: PolyLossOptions & LossOptions = {}) {
    super(options, 'poly_loss', spec.options);
    this.epsilon = checkAtLeast(options.epsilon ?? 2, -1, this.name, 'epsilon');
    const gamma = options.gamma ?? 0;
    const alpha = options.alpha ?? 1;
    checkPerClassValues(gamma, this.name, 'gamma', isFiniteNonNegative, 'a finite number >= 0');
    checkPerClassValues(alpha, this.name, 'alpha', isFiniteNonNegative, 'a finite number >= 0');
    this.gamma = configValue(gamma) as number | number[];
    this.alpha = configValue(alpha) as number | number[];
    this.fromLogits = checkBool(options.fromLogits ?? false, this.name, 'fromLogits');
    this.labelSmoothing = checkUnit(options.labelSmoothing ?? 0, this.name, 'labelSmoothing');
    this.axis = checkAxisOption(options.axis ?? -1, this.name);
  }

  /**
   * Rebuilds a loss from {@link Loss.getConfig}'s output.
   * @param config - a configuration.
   * @returns the new loss.
   */
  static fromConfig(config: LossConfig): PolyLoss {
    return new PolyLoss(config as PolyLossOptions & LossOptions);
  }

  /**
   * The per-sample losses (Keras's rank fix-up of `yTrue` against `yPred` first).
   * @param yTrue - labels.
   * @param yPred - predictions.
   */
  compute(yTrue: Tensor, yPred: Tensor): Tensor {
    const [t, p] = squeezeOrExpandToSameRank(yTrue, yPred);
    return polyLoss(t, p, this.options() as PolyLossOptions);
  }

  /** The options reported by {@link Loss.getConfig}. */
  protected options(): Record<string, unknown> {
    return {
      epsilon: this.epsilon,
      gamma: configValue(this.gamma),
      alpha: configValue(this.alpha),
      fromLogits: this.fromLogits,
      labelSmoothing: this.labelSmoothing,
      axis: this.axis,
    };
  }
}

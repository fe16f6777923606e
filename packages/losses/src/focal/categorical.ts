/**
 * Keras 3 `categorical_focal_crossentropy` / `CategoricalFocalCrossentropy` as a fused op with an
 * analytic, NaN-free backward.
 */
import { type Tensor, type TensorLike, checkOptions } from '@focalgrad/tensor';
import { Loss, type LossConfig, type LossOptions } from '../loss.js';
import { squeezeOrExpandToSameRank } from '../reduction.js';
import { checkPerClassValues, configValue } from '../core/perClass.js';
import { runLoss } from '../core/runner.js';
import { checkAxisOption, checkBool, checkUnit, isFiniteNonNegative } from '../core/validate.js';
import { categoricalFocalCrossentropySpec as spec } from '../specs/categoricalFocalCrossentropy.js';

/**
 * Options of {@link categoricalFocalCrossentropy} and {@link CategoricalFocalCrossentropy} (Keras
 * names in camelCase, Keras defaults).
 *
 * @example
 * ```ts
 * const opts: CategoricalFocalCrossentropyOptions = { alpha: [0.25, 0.5, 0.25], gamma: 2, fromLogits: true };
 * ```
 */
export interface CategoricalFocalCrossentropyOptions {
  /**
   * The class weight α (default `0.25`): one number for every class or one per class along the
   * class axis. Always applied, as in Keras, so the default loss is 0.25 × the unweighted focal
   * crossentropy. Finite and ≥ 0.
   */
  alpha?: number | readonly number[];
  /**
   * The focusing parameter γ ≥ 0 (default `2`): one number, or one per class (beyond Keras, which
   * takes a scalar). `0` gives the (α-weighted) crossentropy; it is treated as the constant factor 1.
   */
  gamma?: number | readonly number[];
  /**
   * Whether `yPred` holds logits (default `false`). Logits use an exact log-softmax (see
   * {@link categoricalFocalCrossentropy} for how this differs from Keras at saturation).
   */
  fromLogits?: boolean;
  /**
   * In `[0, 1]` (default `0`): labels become `y·(1 − labelSmoothing) + labelSmoothing / K`, with
   * `K` the size of the class `axis` (Keras master, PR #23437; Keras ≤ 3.15.1 and tf.keras 2 used
   * the size of the last axis of `yTrue` whatever `axis` was).
   */
  labelSmoothing?: number;
  /** The class axis (default `-1`). */
  axis?: number;
}

/**
 * Keras 3 `categorical_focal_crossentropy`: the α-balanced focal crossentropy for one-hot (or soft)
 * labels, one value per sample:
 *
 * `L = Σ_k α_k · (1 − o_k)^γ_k · (−y_k · log o_k)` summed over the class `axis`,
 *
 * with the modulating factor taken per class from that class's own `o_k` (so with smoothed labels
 * the non-target classes contribute too, exactly as in Keras).
 *
 * - Probabilities (default), as Keras: each row is divided by its sum (rows need not sum to 1),
 *   then clipped to `[1e-7, 1 − 1e-7]`, and the clipped values are used in the log and in the
 *   modulating factor. Clipped entries get no gradient. A row summing to 0 (NaN in Keras) throws.
 * - Logits (`fromLogits: true`): **exact** log-softmax, `o = softmax(z)`, `log o = z − logsumexp z`.
 *   Keras instead takes `softmax`, then the clipped probability path, so its per-class
 *   crossentropy is capped at `−log(1e-7) ≈ 16.118` and its gradient vanishes once a wrong class's
 *   probability falls below 1e-7; here the loss keeps growing linearly in the logit gap (about
 *   `α·(z_max − z_y)` for a confidently wrong row) and the gradient stays `±α`. Away from
 *   saturation (all probabilities in `[1e-7, 1 − 1e-7]`) the two agree to rounding.
 *
 * The gradient is fused and analytic; from logits each class's term is factored as
 * `A (e_k − q)` with `q` the softmax of the other logits — the `(1 − p)^(γ−1)` of the naive
 * derivative cancels against `∂p/∂z` — so it is finite for every finite input,
 * any γ ≥ 0 (γ = 0 is the constant factor 1, 0 < γ < 1 is fine at `p = 1`) and soft labels.
 * Differentiable twice, with finite second derivatives at saturation too. `yTrue` is a constant
 * (no gradient).
 *
 * Differences from Keras, by choice: a list `alpha` (and `gamma`) is aligned with the class
 * `axis` (Keras broadcasts a list against the last dimension whatever `axis` is); `alpha`,
 * `gamma` and `labelSmoothing` are validated; a class axis of size 1 is accepted without a warning;
 * label rows must be distributions (entries in [0, 1] summing to 1) and probabilities must lie in
 * [0, 1] (ValueErrors); infinite logits give the limits (a −∞ logit masks its class out).
 *
 * @param yTrue - one-hot or soft labels, the shape of `yPred`.
 * @param yPred - probabilities or logits.
 * @param options - `alpha`, `gamma`, `fromLogits`, `labelSmoothing`, `axis`.
 * @returns the per-sample losses: `yPred`'s shape without the class axis.
 * @example
 * ```ts
 * // Keras 3 docs (float64 input): [3.20583090e-05, 4.66273481e-01]
 * const y = tensor([[0, 1, 0], [0, 0, 1]], { dtype: 'float64' });
 * const p = tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]], { dtype: 'float64' });
 * categoricalFocalCrossentropy(y, p).toArray();
 * ```
 */
export function categoricalFocalCrossentropy(yTrue: TensorLike, yPred: TensorLike, options: CategoricalFocalCrossentropyOptions = {}): Tensor {
  checkOptions(spec.name, options, spec.options);
  return runLoss(spec, yTrue, yPred, {
    alpha: options.alpha ?? 0.25,
    gamma: options.gamma ?? 2,
    fromLogits: options.fromLogits,
    labelSmoothing: options.labelSmoothing,
    axis: options.axis,
  });
}

/**
 * The Keras 3 `CategoricalFocalCrossentropy` loss class: {@link categoricalFocalCrossentropy} per
 * sample, then the sample weight and the reduction (default `'sum_over_batch_size'`).
 *
 * @example
 * ```ts
 * const cfce = new CategoricalFocalCrossentropy();
 * const y = [[0, 1, 0], [0, 0, 1]];
 * const p = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]];
 * cfce.call(y, p).item();              // 0.23315276 (Keras docs, float32)
 * cfce.call(y, p, [0.3, 0.7]).item();  // 0.16320053
 * CategoricalFocalCrossentropy.fromConfig(cfce.getConfig());
 * ```
 */
export class CategoricalFocalCrossentropy extends Loss {
  /** The class weight α (scalar or per class). */
  readonly alpha: number | readonly number[];
  /** The focusing parameter γ (scalar or per class). */
  readonly gamma: number | readonly number[];
  /** Whether predictions are logits. */
  readonly fromLogits: boolean;
  /** The label smoothing in `[0, 1]`. */
  readonly labelSmoothing: number;
  /** The class axis. */
  readonly axis: number;

  /** @param options - the loss options plus `reduction`, `name` (default `'categorical_focal_crossentropy'`) and `dtype`. */
  constructor(options: CategoricalFocalCrossentropyOptions & LossOptions = {}) {
    super(options, 'categorical_focal_crossentropy', spec.options);
    const alpha = options.alpha ?? 0.25;
    const gamma = options.gamma ?? 2;
    checkPerClassValues(alpha, this.name, 'alpha', isFiniteNonNegative, 'a finite number >= 0');
    checkPerClassValues(gamma, this.name, 'gamma', isFiniteNonNegative, 'a finite number >= 0');
    this.alpha = configValue(alpha) as number | number[];
    this.gamma = configValue(gamma) as number | number[];
    this.fromLogits = checkBool(options.fromLogits ?? false, this.name, 'fromLogits');
    this.labelSmoothing = checkUnit(options.labelSmoothing ?? 0, this.name, 'labelSmoothing');
    this.axis = checkAxisOption(options.axis ?? -1, this.name);
  }

  /**
   * Rebuilds a loss from {@link Loss.getConfig}'s output.
   * @param config - a configuration.
   * @returns the new loss.
   */
  static fromConfig(config: LossConfig): CategoricalFocalCrossentropy {
    return new CategoricalFocalCrossentropy(config as CategoricalFocalCrossentropyOptions & LossOptions);
  }

  /**
   * The per-sample losses (Keras's rank fix-up of `yTrue` against `yPred` first).
   * @param yTrue - labels.
   * @param yPred - predictions.
   */
  compute(yTrue: Tensor, yPred: Tensor): Tensor {
    const [t, p] = squeezeOrExpandToSameRank(yTrue, yPred);
    return categoricalFocalCrossentropy(t, p, {
      alpha: this.alpha,
      gamma: this.gamma,
      fromLogits: this.fromLogits,
      labelSmoothing: this.labelSmoothing,
      axis: this.axis,
    });
  }

  /** The options reported by {@link Loss.getConfig}. */
  protected options(): Record<string, unknown> {
    return {
      alpha: configValue(this.alpha),
      gamma: configValue(this.gamma),
      fromLogits: this.fromLogits,
      labelSmoothing: this.labelSmoothing,
      axis: this.axis,
    };
  }
}

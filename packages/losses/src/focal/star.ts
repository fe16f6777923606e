/**
 * FL*, the focal loss variant of Lin et al. (2017, appendix A), as a fused op with an analytic
 * backward that is differentiable again.
 */
import { type Tensor, type TensorLike, ValueError, checkOptions } from '@focalgrad/tensor';
import { Loss, type LossConfig, type LossOptions } from '../loss.js';
import { squeezeOrExpandToSameRank } from '../reduction.js';
import { runLoss, runLossReduced } from '../core/runner.js';
import { checkAxisOption } from '../core/validate.js';
import { focalLossStarSpec as spec } from '../specs/focalLossStar.js';

/**
 * Options of {@link focalLossStar} and {@link FocalLossStar}.
 *
 * @example
 * ```ts
 * const opts: FocalLossStarOptions = { gamma: 4, beta: 0 };
 * ```
 */
export interface FocalLossStarOptions {
  /** The sharpness γ > 0 (default `2`): the logit is scaled by γ and the loss divided by it. */
  gamma?: number;
  /** The shift β (default `1`), any finite number. */
  beta?: number;
  /** The axis the elementwise loss is averaged over (default -1), as in Keras's binary losses. */
  axis?: number;
}

/**
 * FL* from logits, per sample: the mean over `axis` of
 *
 *   `−log σ(γ x_t + β) / γ`,  `x_t = x` for label 1 and `−x` for label 0,
 *
 * (Lin et al. 2017, appendix A: `p_t* = σ(γ x_t + β)`, `FL* = −log(p_t*)/γ`), with soft labels
 * mixing the two terms linearly: `[y·softplus(−(γx + β)) + (1 − y)·softplus(−(−γx + β))]/γ`. Like
 * the focal loss it down-weights easy examples (a large γ makes the loss flat for `x_t` well above
 * `−β/γ`), but through the logit rather than a modulating factor, so its gradient
 * `−y·σ(−(γx + β)) + (1 − y)·σ(−(−γx + β))` is a single bounded term. Values and derivatives of
 * every order are finite for any finite logit.
 *
 * @param yTrue - labels in [0, 1] (usually 0/1), the shape of `yPred`.
 * @param yPred - logits.
 * @param options - see {@link FocalLossStarOptions}.
 * @returns the per-sample loss: `yPred`'s shape without `axis`.
 * @throws ValueError for γ ≤ 0 or not finite, a non-finite β, or labels outside [0, 1];
 *   ShapeError for mismatched shapes.
 * @example
 * ```ts
 * focalLossStar([[0, 1], [1, 1]], [[-1.2, 0.5], [2.0, -0.3]], { gamma: 2, beta: 1 }).toArray();
 * ```
 */
export function focalLossStar(yTrue: TensorLike, yPred: TensorLike, options: FocalLossStarOptions = {}): Tensor {
  checkOptions(spec.name, options, spec.options);
  return runLoss(spec, yTrue, yPred, options);
}

/**
 * {@link focalLossStar} as a Keras-style loss class: the per-sample losses (after Keras's rank
 * fix-up of the labels), then the sample weight and the reduction (default `'sum_over_batch_size'`).
 *
 * @example
 * ```ts
 * const loss = new FocalLossStar({ gamma: 4, beta: 0 });
 * loss.call([[1], [0]], [[2.5], [-0.4]]).item();
 * FocalLossStar.fromConfig(loss.getConfig());
 * ```
 */
export class FocalLossStar extends Loss {
  /** The sharpness γ. */
  readonly gamma: number;
  /** The shift β. */
  readonly beta: number;
  /** The averaged axis. */
  readonly axis: number;

  /** @param options - the function's options plus `reduction`, `name` (default `'focal_loss_star'`) and `dtype`. */
  constructor(options: FocalLossStarOptions & LossOptions = {}) {
    super(options, 'focal_loss_star', spec.options);
    const { gamma = 2, beta = 1, axis = -1 } = options;
    if (typeof gamma !== 'number' || !Number.isFinite(gamma) || !(gamma > 0)) throw new ValueError(this.name, 'gamma', `expected a finite number > 0, got ${String(gamma)}`);
    if (typeof beta !== 'number' || !Number.isFinite(beta)) throw new ValueError(this.name, 'beta', `expected a finite number, got ${String(beta)}`);
    this.gamma = gamma;
    this.beta = beta;
    this.axis = checkAxisOption(axis, this.name);
  }

  /**
   * The per-sample losses.
   * @param yTrue - labels.
   * @param yPred - logits.
   */
  compute(yTrue: Tensor, yPred: Tensor): Tensor {
    const [t, p] = squeezeOrExpandToSameRank(yTrue, yPred);
    return runLoss(spec, t, p, this.options());
  }

  /**
   * Without a sample weight, the per-sample losses and their reduction are one fused op.
   * @param yTrue - labels.
   * @param yPred - logits.
   */
  protected override computeReduced(yTrue: Tensor, yPred: Tensor): Tensor | null {
    const [t, p] = squeezeOrExpandToSameRank(yTrue, yPred);
    return runLossReduced(spec, t, p, this.options(), this.reduction);
  }

  /** The options for {@link Loss.getConfig} (and the function's options). */
  protected options(): Required<FocalLossStarOptions> {
    return { gamma: this.gamma, beta: this.beta, axis: this.axis };
  }

  /**
   * Recreates a loss from {@link Loss.getConfig}'s output.
   * @param config - a configuration.
   * @returns the loss.
   */
  static fromConfig(config: LossConfig): FocalLossStar {
    return new FocalLossStar(config as FocalLossStarOptions & LossOptions);
  }
}

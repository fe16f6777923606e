/**
 * Keras's `binary_focal_crossentropy` / `BinaryFocalCrossentropy` (Keras 3, and tf.keras 2 /
 * Keras 3 TensorFlow backend for logits) as one fused op with an analytic, NaN-free backward that
 * is differentiable again.
 */
import { type Tensor, type TensorLike, mul } from '@focalgrad/tensor';
import { Loss, type LossConfig, type LossOptions } from '../loss.js';
import { type Reduction, squeezeOrExpandToSameRank } from '../reduction.js';
import { checkBool, checkUnit } from '../validate.js';
import {
  checkPerClassValues,
  checkSameShape,
  classCount,
  clipBounds,
  configValue,
  expandTo,
  fusedLossOp,
  isFiniteNonNegative,
  isFiniteNumber,
  meanUpstream,
  normalizeLossAxis,
  parsePerClass,
  prepareInputs,
  runMeanOverAxis,
  runMeanOverAxisGrad,
  runTotal,
  runTotalGrad,
  totalScale,
} from '../kernels/binaryCommon.js';
import { type FocalKernelParams, focalLogits, focalParams, focalProbs } from '../kernels/binaryFocal.js';
import { focalLogitsDerivative, focalProbsDerivative } from '../kernels/binaryFocalComposite.js';

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

interface BfceAttrs {
  /** When set, the op returns `total ·` the sum of every elementwise loss (a fused reduction). */
  readonly total: number | null;
  readonly fromLogits: boolean;
  readonly axis: number;
  readonly D: number;
  readonly P: FocalKernelParams;
}

const OP = 'binaryFocalCrossentropy';

const bfceOp = fusedLossOp<BfceAttrs>({
  name: OP,
  forward: (yt, yp, a, d) => {
    const fk = a.fromLogits ? focalLogits : focalProbs;
    return a.total === null ? runMeanOverAxis(fk, yt, yp, a.axis, a.P, d) : runTotal(fk, yt, yp, a.total, a.P, d);
  },
  gradient: (yt, yp, g, a, d) => {
    const fk = a.fromLogits ? focalLogits : focalProbs;
    return a.total === null ? runMeanOverAxisGrad(fk, yt, yp, g, a.axis, a.P, d) : runTotalGrad(fk, yt, yp, g, a.total, a.P, d);
  },
  composite: (yt, x, g, a) =>
    mul(
      a.fromLogits ? focalLogitsDerivative(yt, x, a.P) : focalProbsDerivative(yt, x, a.P),
      a.total === null ? meanUpstream(g, a.axis, a.D) : mul(g, a.total),
    ),
});

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
 * finite. Probabilities outside [0, 1] with a fractional γ give NaN, as in Keras.
 *
 * `yTrue` is a constant: it receives no gradient (`null`).
 *
 * @param yTrue - labels, usually 0/1 (soft labels work); cast to `yPred`'s dtype; same shape as `yPred`.
 * @param yPred - probabilities or logits (float32 for plain arrays).
 * @param options - see {@link BinaryFocalCrossentropyOptions}.
 * @returns the per-sample loss: `yPred`'s shape without `axis`.
 * @throws ShapeError for mismatched shapes, an axis out of range or per-class arrays whose length
 *   is not the last dimension; ValueError for a negative or non-finite `gamma`, a non-finite
 *   `alpha`, `labelSmoothing` outside [0, 1] or non-boolean flags.
 * @example
 * ```ts
 * // keras/src/losses/losses.py, binary_focal_crossentropy docstring
 * binaryFocalCrossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], { gamma: 2 }).toArray(); // [0.330, 0.206]
 * // from logits, class-balanced, one γ per label
 * binaryFocalCrossentropy([[0, 1]], [[-1.2, 3]], { fromLogits: true, applyClassBalancing: true, gamma: [2, 0.5] });
 * ```
 */
export function binaryFocalCrossentropy(yTrue: TensorLike, yPred: TensorLike, options: BinaryFocalCrossentropyOptions = {}): Tensor {
  return bfce(yTrue, yPred, options, undefined)!;
}

/** The function, or (with `reduction`) the Keras reduction of its per-sample values in the same op. */
function bfce(yTrue: TensorLike, yPred: TensorLike, options: BinaryFocalCrossentropyOptions, reduction: Reduction | undefined): Tensor | null {
  const { applyClassBalancing = false, alpha = 0.25, gamma = 2, fromLogits = false, labelSmoothing = 0, axis = -1 } = options;
  checkBool(applyClassBalancing, OP, 'applyClassBalancing');
  checkBool(fromLogits, OP, 'fromLogits');
  checkUnit(labelSmoothing, OP, 'labelSmoothing');
  const [yt, yp] = prepareInputs(yTrue, yPred, OP);
  checkSameShape(yp, yt, OP, 'yPred', 'yTrue');
  const ax = normalizeLossAxis(axis, yp.ndim, OP);
  const K = classCount(yp.shape);
  const g = parsePerClass(gamma, K, OP, 'gamma', isFiniteNonNegative, 'a finite number >= 0');
  const a = parsePerClass(alpha, K, OP, 'alpha', isFiniteNumber, 'a finite number');
  const C = (g.perClass || (applyClassBalancing && a.perClass)) && K > 1 ? K : 1;
  const G = expandTo(g.values, C);
  let wPos: Float64Array | null = null;
  let wNeg: Float64Array | null = null;
  if (applyClassBalancing) {
    wPos = expandTo(a.values, C);
    wNeg = wPos.map((v) => 1 - v);
  }
  const { lo, hi } = clipBounds(yp.dtype);
  const P = focalParams(G, wPos, wNeg, labelSmoothing, lo, hi, C);
  const D = yp.shape[ax]!;
  const total = reduction === undefined ? null : totalScale(reduction, yp.size, D);
  if (reduction !== undefined && total === null) return null;
  return bfceOp([yt, yp], { total, fromLogits, axis: ax, D, P });
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
    super(options, 'binary_focal_crossentropy');
    const { applyClassBalancing = false, alpha = 0.25, gamma = 2, fromLogits = false, labelSmoothing = 0, axis = -1 } = options;
    this.applyClassBalancing = checkBool(applyClassBalancing, this.name, 'applyClassBalancing');
    checkPerClassValues(alpha, this.name, 'alpha', isFiniteNumber, 'a finite number');
    checkPerClassValues(gamma, this.name, 'gamma', isFiniteNonNegative, 'a finite number >= 0');
    this.alpha = configValue(alpha) as number | number[];
    this.gamma = configValue(gamma) as number | number[];
    this.fromLogits = checkBool(fromLogits, this.name, 'fromLogits');
    this.labelSmoothing = checkUnit(labelSmoothing, this.name, 'labelSmoothing');
    if (typeof axis !== 'number' || !Number.isInteger(axis)) normalizeLossAxis(axis, 1, this.name);
    this.axis = axis;
  }

  /**
   * The per-sample losses.
   * @param yTrue - labels.
   * @param yPred - predictions.
   */
  compute(yTrue: Tensor, yPred: Tensor): Tensor {
    const [t, p] = squeezeOrExpandToSameRank(yTrue, yPred);
    return bfce(t, p, this.fnOptions(), undefined)!;
  }

  /**
   * Without a sample weight, the per-sample losses and their reduction are one fused op (the same
   * value as the generic path).
   * @param yTrue - labels.
   * @param yPred - predictions.
   */
  protected override computeReduced(yTrue: Tensor, yPred: Tensor): Tensor | null {
    const [t, p] = squeezeOrExpandToSameRank(yTrue, yPred);
    return bfce(t, p, this.fnOptions(), this.reduction);
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

/**
 * Focal-loss curves as data (Lin et al. 2017, Fig. 1; Mukhoti et al. 2020): the loss, its
 * derivative with respect to the logit and its gradient ratio to crossentropy, as functions of
 * p_t — computed by the same fused kernels as {@link binaryFocalCrossentropy}.
 */
import { ValueError, Tensor as T, type Tensor } from '@focalgrad/tensor';
import { elementwise, focalParams, lossKernels } from './kernels/index.js';

/**
 * Options of {@link focalCurves}.
 *
 * @example
 * ```ts
 * const opts: FocalCurvesOptions = { gammas: [0, 0.5, 1, 2, 5], pt: [0.1, 0.5, 0.9] };
 * ```
 */
export interface FocalCurvesOptions {
  /** The focusing parameters γ >= 0, one curve each. */
  gammas: readonly number[];
  /** The class weight α_t of the (positive) example (default 1: no weighting). */
  alpha?: number;
  /** The points p_t in [0, 1] (an array or a 1-D tensor). */
  pt: readonly number[] | Tensor;
}

/**
 * One γ's curves, each with one value per point p_t.
 *
 * @example
 * ```ts
 * const c: FocalCurve = focalCurves({ gammas: [2], pt: [0.5] }).curves[0]!;
 * c.loss[0]; // 0.25 · log 2
 * ```
 */
export interface FocalCurve {
  /** The focusing parameter. */
  gamma: number;
  /** The loss `FL(p_t) = −α (1 − p_t)^γ log p_t` (`Infinity` at p_t = 0). */
  loss: number[];
  /** `∂FL/∂x_t` with respect to the logit `x_t = log(p_t / (1 − p_t))`: `α (1 − p_t)^γ (γ p_t log p_t + p_t − 1)`. */
  dLogit: number[];
  /**
   * The ratio of that gradient to crossentropy's, `g(p_t, γ) = (1 − p_t)^γ − γ p_t (1 − p_t)^(γ−1) log p_t`
   * (Mukhoti et al. 2020; independent of α). At p_t = 1 it is its limit: 1 for γ = 0, else 0.
   */
  ratio: number[];
}

/**
 * The result of {@link focalCurves}: the points, their logits and one {@link FocalCurve} per γ.
 *
 * @example
 * ```ts
 * const { pt, logit, curves } = focalCurves({ gammas: [0, 2], pt: [0.25, 0.75] });
 * ```
 */
export interface FocalCurves {
  /** The points p_t. */
  pt: number[];
  /** The logits `x_t = log(p_t / (1 − p_t))` (±Infinity at 0 and 1). */
  logit: number[];
  /** The class weight used. */
  alpha: number;
  /** One entry per γ, in the order given. */
  curves: FocalCurve[];
}

const OP = 'focalCurves';

/**
 * The focal loss of a positive example as a function of p_t, for several γ: the loss, its
 * derivative with respect to the logit and its gradient ratio to crossentropy — plot data for
 * Lin et al.'s Figure 1 and Mukhoti et al.'s g(p_t, γ). The values come from the fused binary
 * focal kernels (label 1, logit `x_t = log(p_t/(1 − p_t))`), in float64; p_t = 0 and 1 are
 * allowed (logits ∓∞ are evaluated at ∓`Number.MAX_VALUE`).
 *
 * @param options - `gammas`, `pt` and an optional `alpha`.
 * @returns the points, their logits and one curve per γ.
 * @throws ValueError for a γ that is negative or not finite, a point outside [0, 1], or a
 *   non-finite `alpha`.
 * @example
 * ```ts
 * const pt = Array.from({ length: 101 }, (_, i) => i / 100);
 * const { curves } = focalCurves({ gammas: [0, 0.5, 1, 2, 5], pt });
 * curves[3]!.loss[50];  // (1 − 0.5)^2 · log 2 = 0.1733
 * curves[3]!.ratio[50]; // g(0.5, 2) = 0.25 + 0.5·log 2
 * ```
 */
export function focalCurves(options: FocalCurvesOptions): FocalCurves {
  const { gammas, alpha = 1, pt } = options;
  if (!Array.isArray(gammas)) throw new ValueError(OP, 'gammas', `expected an array of numbers >= 0, got ${typeof gammas}`);
  gammas.forEach((g, i) => {
    if (typeof g !== 'number' || !Number.isFinite(g) || g < 0) throw new ValueError(OP, `gammas[${i}]`, `expected a finite number >= 0, got ${String(g)}`);
  });
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) throw new ValueError(OP, 'alpha', `expected a finite number, got ${String(alpha)}`);
  let pts: number[];
  if (pt instanceof T) {
    if (pt.ndim !== 1) throw new ValueError(OP, 'pt', `expected a 1-D tensor, got shape [${pt.shape.join(', ')}]`);
    pts = Array.from(pt.data);
  } else if (Array.isArray(pt)) {
    pts = (pt as readonly number[]).slice();
  } else {
    throw new ValueError(OP, 'pt', `expected an array of numbers in [0, 1] or a 1-D tensor, got ${typeof pt}`);
  }
  const n = pts.length;
  const x = new Float64Array(n);
  pts.forEach((p, i) => {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ValueError(OP, `pt[${i}]`, `expected a number in [0, 1], got ${String(p)}`);
    x[i] = p === 1 ? Number.MAX_VALUE : p === 0 ? -Number.MAX_VALUE : Math.log(p) - Math.log1p(-p);
  });
  const y = new Float64Array(n).fill(1);
  const weighted = (g: number) => focalParams(Float64Array.of(g), alpha === 1 ? null : Float64Array.of(alpha), Float64Array.of(1 - alpha), 0, 0, 1, 1);
  const plain = (g: number) => focalParams(Float64Array.of(g), null, null, 0, 0, 1, 1);
  // One pass of the fused kernel per curve gives the loss and its derivative together.
  const yt = new T(y, [n]);
  const xt = new T(x, [n]);
  const focal = lossKernels.focalLogits;
  const dce = new Float64Array(n);
  focal(y, x, plain(0), 0, n, 0, 0, null, dce, 0, 1);
  const curves = gammas.map((gamma): FocalCurve => {
    const dLogit = new Float64Array(n);
    const loss = elementwise(focal, yt, xt, weighted(gamma), dLogit).data;
    const dfl = new Float64Array(n);
    focal(y, x, plain(gamma), 0, n, 0, 0, null, dfl, 0, 1);
    const ratio = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (pts[i] === 0) loss[i] = alpha === 0 ? 0 : Infinity * Math.sign(alpha);
      ratio[i] = dce[i] === 0 ? (gamma === 0 ? 1 : 0) : dfl[i]! / dce[i]!;
    }
    return { gamma, loss: Array.from(loss), dLogit: Array.from(dLogit), ratio: Array.from(ratio) };
  });
  return { pt: pts, logit: pts.map((p) => (p === 1 ? Infinity : p === 0 ? -Infinity : Math.log(p) - Math.log1p(-p))), alpha, curves };
}

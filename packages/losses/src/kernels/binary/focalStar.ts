/**
 * @internal The fused elementwise kernel of FL* (Lin et al. 2017, appendix A), from logits:
 *
 *   loss = [y · softplus(−(γx + β)) + (1 − y) · softplus(−(−γx + β))] / γ,
 *   d/dx = −y · σ(−(γx + β)) + (1 − y) · σ(−(−γx + β)),
 *
 * that is `−log σ(γ x_t + β) / γ` with `x_t = ±x` for hard labels, mixed linearly for soft ones.
 * Each term is a stable softplus / σ of one argument (no overflow for any finite x); a term whose
 * label weight is 0 is skipped, so hard labels cost one `exp` and one `log1p` per element.
 */
import { expFast, log1pUnit } from '../fastmath.js';
import type { ElementwiseKernel } from './rows.js';
import { sigmoidAtNeg, softplusAtNeg } from './logistic.js';

/** @internal Per-call constants of the FL* kernel. */
export interface FocalStarKernelParams {
  /** γ > 0. */
  readonly gamma: number;
  /** β. */
  readonly beta: number;
  /** Always 1: no per-class parameters. */
  readonly C: number;
}

/** `softplus(−z)` (into the return value) and `σ(−z)` (into {@link last}) of one argument. */
const last = new Float64Array(1);
function term(z: number): number {
  const e = expFast(-Math.abs(z));
  const l = log1pUnit(e);
  last[0] = sigmoidAtNeg(z, e, 1 / (1 + e));
  return softplusAtNeg(z, l);
}

/** Logits, with the derivative. */
export const focalStarLogits: ElementwiseKernel<FocalStarKernelParams> = (yt, yp, P, start, len, _c0, acc0, values, dOut, dOff, dScale) => {
  const { gamma: g, beta: b } = P;
  const ig = 1 / g;
  let acc = +acc0;
  for (let k = 0; k < len; k++) {
    const x = yp[start + k]!;
    const y = yt[start + k]!;
    let v = 0;
    let d = 0;
    if (y !== 0) {
      v += y * term(g * x + b);
      d -= y * last[0]!;
    }
    if (y !== 1) {
      v += (1 - y) * term(-g * x + b);
      d += (1 - y) * last[0]!;
    }
    v *= ig;
    if (dOut !== null) dOut[dOff + k] = d * dScale;
    acc += v;
    if (values !== null) values[k] = v + 0;
  }
  return acc;
};

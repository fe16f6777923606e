/**
 * @internal The two transcendental functions of the logit kernels, `exp(x)` for `x <= 0` and
 * `log1p(e)` for `e ∈ [0, 1]`, table-driven so that they compile to a few inlined multiply-adds
 * and table loads instead of out-of-line calls (`Math.exp` / `Math.log1p` are about 1.5× slower in
 * the fused loops). Both are within 2 ulp of `Math.exp` / `Math.log1p` (checked by
 * `test/losses/binaryMath.test.ts`).
 *
 * - `exp`: `x = (k/128)·ln 2 + r`, `|r| <= ln 2/256`; `exp(x) = 2^(k>>7) · 2^((k&127)/128) ·
 *   exp(r)` with a degree-5 polynomial for `exp(r) − 1` (truncation error below 1e-18) and a
 *   Cody–Waite split of `ln 2/128` (the high part has trailing zeros, so `k·hi` is exact).
 * - `log1p`: `1 + e = c_i (1 + t)` with `c_i = 1 + i/128`, `i = ⌊128 e⌋`, so `e − i/128` is exact
 *   and `|t| < 1/128`; `log1p(e) = log(c_i) + log1p(t)` with a degree-7 polynomial (truncation
 *   error below 2e-18). For `e < 1/128` it is the polynomial alone, so tiny `e` keep full
 *   relative accuracy.
 */

const N = 128;
/** 2^(j/128), j = 0..127. */
const EXP2_FRAC = new Float64Array(N);
/** 2^-m, m = 0..1099 (normal and subnormal). */
const EXP2_NEG_INT = new Float64Array(1100);
/** 1 / (1 + i/128), i = 0..128. */
const INV_C = new Float64Array(N + 1);
/** log(1 + i/128), i = 0..128. */
const LOG_C = new Float64Array(N + 1);
for (let j = 0; j < N; j++) EXP2_FRAC[j] = Math.pow(2, j / N);
for (let m = 0; m < EXP2_NEG_INT.length; m++) EXP2_NEG_INT[m] = Math.pow(2, -m);
for (let i = 0; i <= N; i++) {
  INV_C[i] = 1 / (1 + i / N);
  LOG_C[i] = Math.log1p(i / N);
}

const INV_LN2_N = N / Math.LN2;
/** fdlibm's `ln2_hi` (trailing zero bits) and `ln2_lo`, divided by 128 (exactly). */
const LN2_N_HI = 6.93147180369123816490e-1 / N;
const LN2_N_LO = 1.90821492927058770002e-10 / N;
/** Below this, `exp(x)` underflows to 0 (as `Math.exp`). */
const EXP_MIN = -745.1332191019411;

/** `exp(x)` for `x <= 0` (0 below about −745.13, NaN for NaN). */
export function expNonPos(x: number): number {
  if (!(x >= EXP_MIN)) return x < 0 ? 0 : NaN;
  const kf = Math.round(x * INV_LN2_N);
  const r = x - kf * LN2_N_HI - kf * LN2_N_LO;
  const k = kf | 0;
  const q = r + r * r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120))));
  const t = EXP2_FRAC[k & 127]!;
  return (t + t * q) * EXP2_NEG_INT[-(k >> 7)]!;
}

/** `log1p(e)` for `e ∈ [0, 1]` (NaN for NaN). */
export function log1pUnit(e: number): number {
  if (!(e >= 0 && e <= 1)) return NaN;
  const i = Math.floor(e * N);
  const t = (e - i / N) * INV_C[i]!;
  return LOG_C[i]! + (t - t * t * (0.5 - t * (1 / 3 - t * (0.25 - t * (0.2 - t * (1 / 6 - t / 7))))));
}

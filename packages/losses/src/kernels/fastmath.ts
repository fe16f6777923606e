/**
 * @internal The transcendental functions of the fused loss kernels, `exp(x)` and `log1p(e)` for
 * `e ∈ [0, 1]`, table-driven so that they compile to a few inlined multiply-adds and table loads
 * instead of out-of-line calls (`Math.exp` / `Math.log1p` are calls into C++, several times slower
 * in the fused loops). Both are within 2 ulp of `Math.exp` / `Math.log1p` (checked by
 * `test/losses/fastmath.test.ts`), so float64 kernels keep full double accuracy. Used by the binary
 * family (sigmoid, softplus: one `exp` and one `log1p` per element) and the softmax family (one
 * `exp` per class).
 *
 * - {@link expFast}: Tang's table method. `x = (k/256)·ln 2 + r` with `k = round(256·x/ln 2)` and
 *   `|r| <= ln 2/512`; `exp(x) = 2^(k>>8) · 2^((k&255)/256) · exp(r)` with a degree-4 polynomial for
 *   `exp(r) − 1` (truncation error below 4e-17, relative) and a Cody–Waite split of `ln 2/256`
 *   (the high part has 21 trailing zero bits, so `k·hi` is exact). `k` is rounded with the
 *   `(v + 2^19 + 0.5) | 0` idiom: `Math.round` does not compile to one instruction in V8 and
 *   costs about as much as the whole rest of the function. Arguments whose result would be
 *   subnormal or overflow (outside `[−708, 709]`), and NaN, go to `Math.exp`.
 * - {@link log1pUnit}: `1 + e = c_i (1 + t)` with `c_i = 1 + i/128`, `i = ⌊128 e⌋`, so `e − i/128`
 *   is exact and `|t| < 1/128`; `log1p(e) = log(c_i) + log1p(t)` with a degree-7 polynomial
 *   (truncation error below 2e-18). For `e < 1/128` it is the polynomial alone, so tiny `e` keep
 *   full relative accuracy.
 *
 * {@link expFast32} and {@link log1pUnit32} are the same reductions with shorter polynomials
 * (degree 2 and 4): relative error below 1e-9, 60 times finer than float32's half-ulp (2^−25 ≈
 * 3e-8), so a float32 result computed from them in float64 is the float32 rounding of the exact
 * value or, at worst, its neighbour (checked by the same test file, and end to end by
 * `test/losses/binaryFast32.test.ts`). Kernels use them only for float32 inputs.
 *
 * {@link log1pFast32} extends {@link log1pUnit32} to every `x >= 0` (the softmax losses' per-row
 * `log(1 + Σ e^{z_j − z_t})`): `1 + x = 2^k · m`, with `k` read from the exponent bits and `m ∈ [1, 2)`
 * reduced by the same table.
 *
 * {@link powG} is the modulating factor's power `u^γ`, by multiplication for the usual small integer γ.
 *
 * The NaN results are written `0 / 0`, not `NaN`: a global lookup in a never-taken branch compiles
 * to a generic load whose tagged result makes V8 box every return value of the inlined function
 * as a heap number.
 */

/** 2^(j/256), j = 0..255. */
const EXP_T = new Float64Array(256);
for (let j = 0; j < 256; j++) EXP_T[j] = Math.pow(2, j / 256);
/** 2^(i − 1022), i = 0..2045: the normal powers of two 2^−1022 … 2^1023. */
const P2_OFFSET = 1022;
const P2 = new Float64Array(P2_OFFSET + 1024);
for (let i = 0; i < P2.length; i++) P2[i] = Math.pow(2, i - P2_OFFSET);
const EXP_S = 256 / Math.LN2;
/** fdlibm's `ln2_hi` (21 trailing zero bits) and `ln2_lo`, divided by 256 (exactly). */
const LN2_256_HI = 6.9314718036912381649e-1 / 256;
const LN2_256_LO = 1.9082149292705877e-10 / 256;
/** 2^19 + 0.5: `(v + EXP_ROUND) | 0` is `⌊v + 0.5⌋ + 2^19` for `|v| < 2^19`. */
const EXP_BIAS = 524288;
const EXP_ROUND = EXP_BIAS + 0.5;

/**
 * `exp(x)`, within 2 ulp of `Math.exp` (exactly `Math.exp` for NaN, ±Infinity, and for `x` outside
 * `[−708, 709]`, where the result is subnormal, zero, or near or above the overflow threshold).
 */
export function expFast(x: number): number {
  if (!(x >= -708 && x <= 709)) return Math.exp(x);
  const k = ((x * EXP_S + EXP_ROUND) | 0) - EXP_BIAS;
  const r = x - k * LN2_256_HI - k * LN2_256_LO;
  const q = r + r * r * (0.5 + r * (1 / 6 + r * (1 / 24)));
  const t = EXP_T[k & 255]!;
  return (t + t * q) * P2[(k >> 8) + P2_OFFSET]!;
}

/** 1 / (1 + i/128), i = 0..128. */
const INV_C = new Float64Array(129);
/** log(1 + i/128), i = 0..128. */
const LOG_C = new Float64Array(129);
for (let i = 0; i <= 128; i++) {
  INV_C[i] = 1 / (1 + i / 128);
  LOG_C[i] = Math.log1p(i / 128);
}

/** `log1p(e)` for `e ∈ [0, 1]`, within 2 ulp of `Math.log1p` (NaN outside, and for NaN). */
export function log1pUnit(e: number): number {
  if (!(e >= 0 && e <= 1)) return 0 / 0;
  const i = (e * 128) | 0; // ⌊128 e⌋ (e >= 0)
  const t = (e - i * (1 / 128)) * INV_C[i]!;
  // log1p(t) = t − t²(1/2 − t/3 + t²/4 − t³/5 + t⁴/6 − t⁵/7), the bracket by Estrin's scheme
  const t2 = t * t;
  const p = 0.5 - t * (1 / 3) + t2 * (0.25 - t * 0.2) + t2 * t2 * (1 / 6 - t * (1 / 7));
  return LOG_C[i]! + (t - t2 * p);
}

/**
 * `exp(x)` to float32 accuracy (relative error below 5e-10; `Math.exp` outside `[−708, 709]`):
 * {@link expFast} with `exp(r) − 1 ≈ r + r²/2` (`|r| <= ln 2/512`, truncation `|r|³/6 < 4.2e-10`).
 */
export function expFast32(x: number): number {
  if (!(x >= -708 && x <= 709)) return Math.exp(x);
  const k = ((x * EXP_S + EXP_ROUND) | 0) - EXP_BIAS;
  const r = x - k * LN2_256_HI - k * LN2_256_LO;
  const t = EXP_T[k & 255]!;
  return (t + t * (r + r * r * 0.5)) * P2[(k >> 8) + P2_OFFSET]!;
}

/**
 * `log1p(e)` for `e ∈ [0, 1]` to float32 accuracy (relative error below 1e-9; NaN outside):
 * {@link log1pUnit} with `log1p(t) ≈ t − t²/2 + t³/3 − t⁴/4` (`|t| < 1/128`, truncation below
 * `|t|⁵/5`, i.e. `|t|⁴/5 < 7.5e-10` relative).
 */
export function log1pUnit32(e: number): number {
  if (!(e >= 0 && e <= 1)) return 0 / 0;
  const i = (e * 128) | 0;
  const t = (e - i * (1 / 128)) * INV_C[i]!;
  const t2 = t * t;
  return LOG_C[i]! + (t - t2 * (0.5 - t * (1 / 3) + t2 * 0.25));
}

/** One float64 and its two 32-bit halves, for reading a double's exponent bits. */
const BITS_F64 = new Float64Array(1);
const BITS_U32 = new Uint32Array(BITS_F64.buffer);
/** Index of the high (sign and exponent) word: 1 on little-endian platforms. */
const HI_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * `log1p(x)` for `x >= 0` to float32 accuracy (relative error below 1e-9): {@link log1pUnit32} up to
 * 1; above, `log(2^k · m) = k·ln 2 + log(m)` with `m ∈ [1, 2)` reduced as in {@link log1pUnit32} (the
 * rounding of `1 + x`, 1.1e-16 relative, is far below float32's resolution). NaN for NaN and
 * negative `x`; `Math.log1p` above 1e300 (and for Infinity).
 */
export function log1pFast32(x: number): number {
  if (!(x > 1)) return log1pUnit32(x);
  if (!(x < 1e300)) return Math.log1p(x);
  const v = 1 + x;
  BITS_F64[0] = v;
  const k = (BITS_U32[HI_WORD]! >>> 20) - 1023;
  const m = v * P2[P2_OFFSET - k]!;
  const i = ((m - 1) * 128) | 0;
  const t = (m - (1 + i * (1 / 128))) * INV_C[i]!;
  const t2 = t * t;
  return k * Math.LN2 + (LOG_C[i]! + (t - t2 * (0.5 - t * (1 / 3) + t2 * 0.25)));
}

/** `u ** g` with the common exponents 0 … 5 as multiplications (`0 ** 0 = 1`), else `Math.pow`. */
export function powG(u: number, g: number): number {
  if (g === 2) return u * u;
  if (g === 1) return u;
  if (g === 0) return 1;
  if (g === 3) return u * u * u;
  if (g === 4) {
    const v = u * u;
    return v * v;
  }
  if (g === 5) {
    const v = u * u;
    return v * v * u;
  }
  return Math.pow(u, g);
}

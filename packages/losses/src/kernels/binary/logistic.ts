/**
 * @internal The stable logistic terms of a logit `x`, from `e = exp(−|x|)` (never overflows),
 * `l = log1p(e)` and `r = 1/(1 + e)`: σ(±x) and softplus(±x) with the side chosen by the sign of
 * `x`, so no term subtracts nearly equal numbers or overflows. Small enough that V8 inlines them
 * into the kernel loops (no call, no allocation).
 */

/** σ(x): `r` for x ≥ 0, `e·r` below. */
export function sigmoidAt(x: number, e: number, r: number): number {
  return x >= 0 ? r : e * r;
}

/** σ(−x) = 1 − σ(x), without the cancellation: `e·r` for x ≥ 0, `r` below. */
export function sigmoidAtNeg(x: number, e: number, r: number): number {
  return x >= 0 ? e * r : r;
}

/** softplus(x) = max(x, 0) + log1p(exp(−|x|)). */
export function softplusAt(x: number, l: number): number {
  return x >= 0 ? x + l : l;
}

/** softplus(−x) = max(−x, 0) + log1p(exp(−|x|)). */
export function softplusAtNeg(x: number, l: number): number {
  return x >= 0 ? l : l - x;
}

/** @internal The derivative of the binary focal loss with respect to the logit, shared by the general and the staged kernel. */

/**
 * `d/dx` of `u^γ · bce` (before the weight): `u^γ·(σ(x) − y) + γ·u^γ·(σ(x)σ(−x)/u)·(1 − 2y)·bce`,
 * with `f = u^γ`, `s = σ(x)`, `sb = σ(−x)`; γ = 2 and γ = 0 by multiplication. Where σ(x)σ(−x)
 * underflows to 0 the second term is its limit, 0 (and `u` may be 0 there).
 */
export function focalLogitDerivative(g: number, f: number, u: number, s: number, sb: number, y: number, bce: number): number {
  const ds = (1 - y) * s - y * sb; // σ(x) − y, without cancellation
  if (g === 2) return u * (u * ds + 2 * (s * sb) * (1 - 2 * y) * bce);
  if (g === 0) return ds;
  const ss = s * sb;
  return f * ds + (ss > 0 ? g * f * (ss / u) * (1 - 2 * y) * bce : 0);
}

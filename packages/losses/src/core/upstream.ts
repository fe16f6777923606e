/**
 * @internal Applying the upstream gradient to kept derivatives, in place. A loss's derivatives are
 * laid out like `yPred`, read as `outer × K × inner` around the reduced axis (`K` its length); the
 * per-sample upstream gradient has one entry per `(outer, inner)` pair.
 */

import type { FloatArray } from './floatArray.js';

/** Per-element derivatives of a loss op, in the predictions' float dtype. */
export type Derivatives = FloatArray;

/** `d[i] ·= s` over the whole array; a no-op for `s = 1`, which leaves the values bit-identical. */
export function scaleAll(d: Derivatives, s: number): Derivatives {
  if (s !== 1) for (let i = 0; i < d.length; i++) d[i] = d[i]! * s;
  return d;
}

/**
 * `d[o, k, i] ·= g[o, i]` over an `outer × K × inner` layout. Rows whose upstream entry is 1 (the
 * usual `loss.sum().backward()`) are skipped when `inner` is 1, where a row is contiguous.
 */
export function scaleRows(d: Derivatives, g: ArrayLike<number>, outer: number, K: number, inner: number): Derivatives {
  if (inner === 1) {
    for (let o = 0, idx = 0; o < outer; o++) {
      const gr = g[o]!;
      if (gr === 1) {
        idx += K;
        continue;
      }
      for (let k = 0; k < K; k++, idx++) d[idx] = gr * d[idx]!;
    }
    return d;
  }
  for (let o = 0, idx = 0; o < outer; o++) {
    const go = o * inner;
    for (let k = 0; k < K; k++) {
      for (let i = 0; i < inner; i++, idx++) d[idx] = g[go + i]! * d[idx]!;
    }
  }
  return d;
}

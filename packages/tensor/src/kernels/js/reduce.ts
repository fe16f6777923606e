/**
 * Reduction kernels over any set of axes, and the softmax family along one axis. They accumulate in
 * float64 whatever the dtype, so a float32 sum over a million elements loses nothing to ordering.
 */
import { type TypedArray, allocate } from '../../dtype.js';
import { reducedShape, sizeOf, splitAround, stridesOf } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import type { AxisAttrs, Kernels, ReduceAttrs } from '../signature.js';
import { collapse, forEachRow3 } from '../strided.js';

type Combine = 'sum' | 'max' | 'min';

/** Reduces x over `axes` into a float64 accumulator shaped like the kept-dims output. */
function reduceInto(x: Tensor, axes: readonly number[], how: Combine): Float64Array {
  const keep = reducedShape(x.shape, axes, true);
  const acc = new Float64Array(sizeOf(keep));
  if (how === 'max') acc.fill(-Infinity);
  else if (how === 'min') acc.fill(Infinity);
  if (x.size === 0) return acc;
  const xd = x.data;
  const os = stridesOf(keep).map((s, d) => (axes.includes(d) ? 0 : s));
  const c = collapse(x.shape, [stridesOf(x.shape), os]);
  forEachRow3(c.shape, c.strides[0]!, c.strides[1]!, (n, xo, xs, bo, bs) => {
    if (bs === 0) {
      let r = acc[bo]!;
      if (how === 'sum') for (let k = 0; k < n; k++) r += xd[xo + k * xs]!;
      else if (how === 'max') for (let k = 0; k < n; k++) r = Math.max(r, xd[xo + k * xs]!);
      else for (let k = 0; k < n; k++) r = Math.min(r, xd[xo + k * xs]!);
      acc[bo] = r;
    } else if (how === 'sum') for (let k = 0; k < n; k++) acc[bo + k * bs] = acc[bo + k * bs]! + xd[xo + k * xs]!;
    else if (how === 'max') for (let k = 0; k < n; k++) acc[bo + k * bs] = Math.max(acc[bo + k * bs]!, xd[xo + k * xs]!);
    else for (let k = 0; k < n; k++) acc[bo + k * bs] = Math.min(acc[bo + k * bs]!, xd[xo + k * xs]!);
  });
  return acc;
}

/**
 * max(x) over `axes` (kept as 1s) as a constant with no graph, non-finite maxima replaced by 0 so that
 * x - m stays well defined for rows of ±Infinity. Softmax is invariant to the shift, so treating it
 * as a constant is exact, also for higher derivatives.
 */
export function constantMax(x: Tensor, axes: readonly number[]): Tensor {
  const m = reduceInto(x, axes, 'max');
  const out = allocate(x.dtype, m.length);
  for (let j = 0; j < m.length; j++) out[j] = Number.isFinite(m[j]!) ? m[j]! : 0;
  return new Tensor(out, reducedShape(x.shape, axes, true));
}

function finish(x: Tensor, acc: Float64Array, attrs: ReduceAttrs): Tensor {
  const out = allocate(x.dtype, acc.length);
  out.set(acc);
  return new Tensor(out, reducedShape(x.shape, attrs.axes, attrs.keepDims));
}


/**
 * The softmax family's row walk: for each row along `axis` (elements `base, base + inner, …` up to
 * `end`), its max `m` and `s = Σ exp(x − m)`, handed to `write`, which fills the row of `out`.
 */
function softmaxRows(
  x: Tensor,
  axis: number,
  write: (out: TypedArray, xd: TypedArray, base: number, end: number, inner: number, m: number, s: number) => void,
): Tensor {
  const [outer, n, inner] = splitAround(x.shape, axis);
  const xd = x.data;
  const out = allocate(x.dtype, xd.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      const end = base + n * inner;
      let m = -Infinity;
      for (let k = base; k < end; k += inner) m = Math.max(m, xd[k]!);
      let s = 0;
      for (let k = base; k < end; k += inner) s += Math.exp(xd[k]! - m);
      write(out, xd, base, end, inner, m, s);
    }
  }
  return new Tensor(out, x.shape);
}

export const reduceKernels = {
  sum: ([x], attrs) => finish(x!, reduceInto(x!, attrs.axes, 'sum'), attrs),
  max: ([x], attrs) => finish(x!, reduceInto(x!, attrs.axes, 'max'), attrs),
  min: ([x], attrs) => finish(x!, reduceInto(x!, attrs.axes, 'min'), attrs),
  logSumExp: ([x], attrs) => {
    const m = reduceInto(x!, attrs.axes, 'max');
    const keep = reducedShape(x!.shape, attrs.axes, true);
    const s = new Float64Array(m.length);
    const xd = x!.data;
    if (x!.size > 0) {
      const os = stridesOf(keep).map((st, d) => (attrs.axes.includes(d) ? 0 : st));
      const c = collapse(x!.shape, [stridesOf(x!.shape), os]);
      forEachRow3(c.shape, c.strides[0]!, c.strides[1]!, (n, xo, xs, bo, bs) => {
        for (let k = 0; k < n; k++) {
          const j = bo + k * bs;
          const mj = m[j]!;
          s[j] = s[j]! + (mj === Infinity || mj === -Infinity ? 1 : Math.exp(xd[xo + k * xs]! - mj));
        }
      });
    }
    for (let j = 0; j < m.length; j++) {
      const mj = m[j]!;
      s[j] = mj === Infinity || mj === -Infinity ? mj : mj + Math.log(s[j]!);
    }
    return finish(x!, s, attrs);
  },
  softmax: ([x], { axis }) =>
    softmaxRows(x!, axis, (out, xd, base, end, inner, m, s) => {
      for (let k = base; k < end; k += inner) out[k] = Math.exp(xd[k]! - m) / s;
    }),
  logSoftmax: ([x], { axis }) =>
    softmaxRows(x!, axis, (out, xd, base, end, inner, m, s) => {
      // (x - m) - log s, not x - (m + log s): forming m + log s first rounds away the low bits
      // of log s next to a large m (logSoftmax([-1e4, -1e4]) would be off by 1.7e-13).
      const logS = Math.log(s);
      for (let k = base; k < end; k += inner) out[k] = xd[k]! - m - logS;
    }),
  // logSoftmax's gradient `g − exp(y)·Σg` for its output y: per row, one pass sums g, a second writes.
  logSoftmaxGrad: ([g, y], { axis }) => {
    const [outer, n, inner] = splitAround(y!.shape, axis);
    const gd = g!.data;
    const yd = y!.data;
    const out = allocate(y!.dtype, yd.length);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * n * inner + i;
        const end = base + n * inner;
        let s = 0;
        for (let k = base; k < end; k += inner) s += gd[k]!;
        for (let k = base; k < end; k += inner) out[k] = gd[k]! - Math.exp(yd[k]!) * s;
      }
    }
    return new Tensor(out, y!.shape);
  },
  argmax: ([x], { axis, keepDims, max }) => {
    const [outer, n, inner] = splitAround(x!.shape, axis);
    const xd = x!.data;
    const out = new Int32Array(outer * inner);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * n * inner + i;
        let best = 0;
        let bv = xd[base]!;
        for (let k = 1; k < n; k++) {
          const v = xd[base + k * inner]!;
          if (max ? v > bv : v < bv) {
            bv = v;
            best = k;
          }
        }
        out[o * inner + i] = best;
      }
    }
    return new Tensor(out, reducedShape(x!.shape, [axis], keepDims));
  },
} satisfies Pick<Kernels, 'sum' | 'max' | 'min' | 'logSumExp' | 'softmax' | 'logSoftmax' | 'logSoftmaxGrad' | 'argmax'>;

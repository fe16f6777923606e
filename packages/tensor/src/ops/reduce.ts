/**
 * Reductions over any set of axes, and the softmax family along one axis. Kernels accumulate in
 * float64 whatever the dtype, so a float32 sum over a million elements loses nothing to ordering.
 */
import { allocate } from '../dtype.js';
import { defineOp, type OpSpec } from '../op.js';
import { normalizeAxes, normalizeAxis, reducedShape, sizeOf, splitAround, stridesOf } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { toTensor } from '../convert.js';
import { compositeVjp } from '../autograd/functional.js';
import { collapse, forEachRow3 } from '../kernels/strided.js';
import { div, mul, sub } from './binary.js';
import { equal } from './compare.js';
import { exp } from './unary.js';
import { broadcastTo, reshape } from './shape.js';

/** Attributes of a reduction: sorted normalised axes and whether they are kept as 1s. */
export interface ReduceAttrs {
  axes: number[];
  keepDims: boolean;
}

/** Attributes of an op along one axis (softmax family, argmax). */
export interface AxisAttrs {
  axis: number;
}

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
function constantMax(x: Tensor, axes: readonly number[]): Tensor {
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

/** Brings a reduced gradient (or output) back to the input's rank so it broadcasts against x. */
function expandBack(t: Tensor, x: Tensor, axes: readonly number[]): Tensor {
  return reshape(t, reducedShape(x.shape, axes, true));
}


const extremumBackward: OpSpec<ReduceAttrs>['backward'] = (g, { inputs: [x], output, attrs }) => {
  // The gradient goes to every element equal to the extremum, split evenly among ties.
  const mask = equal(x!, expandBack(output, x!, attrs.axes));
  const count = sum(mask, attrs.axes, true);
  // Divide g·mask (g's dtype) by the int32 count: div(mask, count) would be int32 / int32, computed
  // in float32, and round 1/3 to 0.3333333432674408 in a float64 gradient.
  return [div(mul(expandBack(g, x!, attrs.axes), mask), count)];
};

/** `g − exp(y) ⊙ Σ_axis g` for the output `y` of logSoftmax: its VJP written with tensor ops. */
const logSoftmaxGradComposite = (axis: number) => (g: Tensor, y: Tensor): Tensor => sub(g, mul(exp(y), sum(g, axis, true)));

/**
 * @internal The VJP of logSoftmax as one op, inputs `[g, y]` (`y` the logSoftmax output): per row,
 * one pass sums g and a second writes `g − exp(y)·Σg`. Its own backward differentiates the same
 * formula written with tensor ops, so second and higher derivatives stay exact.
 * @example
 * ```ts
 * defineOp(logSoftmaxGradSpec)([g, logSoftmax(x)], { axis: 1 });
 * ```
 */
export const logSoftmaxGradSpec = {
  name: 'logSoftmaxGrad',
  forward: ([g, y], { axis }) => {
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
  backward: (gg, { inputs: [g, y], attrs: { axis } }) => compositeVjp(logSoftmaxGradComposite(axis), [g!, y!], gg),
} satisfies OpSpec<AxisAttrs>;

const logSoftmaxGradOp = defineOp(logSoftmaxGradSpec);

export const reduceSpecs = {
  sum: {
    name: 'sum',
    forward: ([x], attrs) => finish(x!, reduceInto(x!, attrs.axes, 'sum'), attrs),
    backward: (g, { inputs: [x], attrs }) => [broadcastTo(expandBack(g, x!, attrs.axes), x!.shape)],
  } satisfies OpSpec<ReduceAttrs>,
  max: {
    name: 'max',
    forward: ([x], attrs) => finish(x!, reduceInto(x!, attrs.axes, 'max'), attrs),
    backward: extremumBackward,
  } satisfies OpSpec<ReduceAttrs>,
  min: {
    name: 'min',
    forward: ([x], attrs) => finish(x!, reduceInto(x!, attrs.axes, 'min'), attrs),
    backward: extremumBackward,
  } satisfies OpSpec<ReduceAttrs>,
  logSumExp: {
    name: 'logSumExp',
    forward: ([x], attrs) => {
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
    // g ⊙ softmax(x) over the reduced axes, formed as e / Σe with e = exp(x - m) for a constant
    // shift m = max(x). Not exp(x - output): the output is rounded to x's dtype, and at |x| ~ 1e4 in
    // float32 that rounding (up to 4.9e-4) would go straight into the gradient (0.49989 for 0.5).
    backward: (g, { inputs: [x], attrs }) => {
      const e = exp(sub(x!, constantMax(x!, attrs.axes)));
      return [mul(expandBack(g, x!, attrs.axes), div(e, sum(e, attrs.axes, true)))];
    },
  } satisfies OpSpec<ReduceAttrs>,
  softmax: {
    name: 'softmax',
    forward: ([x], { axis }) => {
      const [outer, n, inner] = splitAround(x!.shape, axis);
      const xd = x!.data;
      const out = allocate(x!.dtype, xd.length);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          const base = o * n * inner + i;
          let m = -Infinity;
          for (let k = 0; k < n; k++) m = Math.max(m, xd[base + k * inner]!);
          let s = 0;
          for (let k = 0; k < n; k++) s += Math.exp(xd[base + k * inner]! - m);
          for (let k = 0; k < n; k++) out[base + k * inner] = Math.exp(xd[base + k * inner]! - m) / s;
        }
      }
      return new Tensor(out, x!.shape);
    },
    // y ⊙ (g − Σ g⊙y)
    backward: (g, { output, attrs: { axis } }) => [mul(output, sub(g, sum(mul(g, output), axis, true)))],
  } satisfies OpSpec<AxisAttrs>,
  logSoftmax: {
    name: 'logSoftmax',
    forward: ([x], { axis }) => {
      const [outer, n, inner] = splitAround(x!.shape, axis);
      const xd = x!.data;
      const out = allocate(x!.dtype, xd.length);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          const base = o * n * inner + i;
          let m = -Infinity;
          for (let k = 0; k < n; k++) m = Math.max(m, xd[base + k * inner]!);
          let s = 0;
          for (let k = 0; k < n; k++) s += Math.exp(xd[base + k * inner]! - m);
          // (x - m) - log s, not x - (m + log s): forming m + log s first rounds away the low bits
          // of log s next to a large m (logSoftmax([-1e4, -1e4]) would be off by 1.7e-13).
          const logS = Math.log(s);
          for (let k = 0; k < n; k++) out[base + k * inner] = xd[base + k * inner]! - m - logS;
        }
      }
      return new Tensor(out, x!.shape);
    },
    // g − softmax ⊙ Σ g, as one fused op (one pass over g and the output, one allocation).
    backward: (g, { output, attrs }) => [logSoftmaxGradOp([g, output], attrs)],
  } satisfies OpSpec<AxisAttrs>,
};


/** Attributes of argmax / argmin. */
export interface ArgAttrs {
  axis: number;
  keepDims: boolean;
  max: boolean;
}

export const argSpec: OpSpec<ArgAttrs> = {
  name: 'argmax',
  nonDifferentiable: true,
  forward: ([x], { axis, keepDims, max }) => {
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
};

const ops = {
  sum: defineOp(reduceSpecs.sum),
  max: defineOp(reduceSpecs.max),
  min: defineOp(reduceSpecs.min),
  logSumExp: defineOp(reduceSpecs.logSumExp),
  softmax: defineOp(reduceSpecs.softmax),
  logSoftmax: defineOp(reduceSpecs.logSoftmax),
  arg: defineOp(argSpec),
};

/**
 * Axes to reduce: one axis, a list, or `undefined` for all. Negative axes count from the end.
 *
 * @example
 * ```ts
 * const ax: Axes = [0, -1];
 * ```
 */
export type Axes = number | readonly number[] | undefined;

function reduceAttrs(x: Tensor, axis: Axes, keepDims: boolean, op: string): ReduceAttrs {
  return { axes: normalizeAxes(axis, x.ndim, op), keepDims };
}

const asTensor = (x: TensorLike): Tensor => toTensor(x);

/**
 * Sum over `axis` (all axes by default).
 * @param x - input.
 * @param axis - axis or axes to reduce; all if omitted.
 * @param keepDims - keep reduced axes as size 1.
 * @example
 * ```ts
 * sum(tensor([[1, 2], [3, 4]]), 0).toArray(); // [4, 6]
 * sum(tensor([[1, 2], [3, 4]])).item();       // 10
 * ```
 */
export function sum(x: TensorLike, axis?: Axes, keepDims = false): Tensor {
  const t = asTensor(x);
  return ops.sum([t], reduceAttrs(t, axis, keepDims, 'sum'));
}

/**
 * Mean over `axis` (all axes by default).
 * @param x - input.
 * @param axis - axis or axes to reduce; all if omitted.
 * @param keepDims - keep reduced axes as size 1.
 * @example
 * ```ts
 * mean(tensor([[1, 2], [3, 4]]), 1).toArray(); // [1.5, 3.5]
 * ```
 */
export function mean(x: TensorLike, axis?: Axes, keepDims = false): Tensor {
  const t = asTensor(x);
  const attrs = reduceAttrs(t, axis, keepDims, 'mean');
  let count = 1;
  for (const a of attrs.axes) count *= t.shape[a]!;
  const s = ops.sum([t.dtype === 'int32' ? toFloat(t) : t], attrs);
  return mul(s, 1 / count);
}

/**
 * Maximum over `axis`; the gradient goes to the maximal elements, split evenly among ties.
 * @param x - input.
 * @param axis - axis or axes to reduce; all if omitted.
 * @param keepDims - keep reduced axes as size 1.
 * @example
 * ```ts
 * max(tensor([[1, 5], [3, 4]]), 1).toArray(); // [5, 4]
 * ```
 */
export function max(x: TensorLike, axis?: Axes, keepDims = false): Tensor {
  const t = asTensor(x);
  return ops.max([t], reduceAttrs(t, axis, keepDims, 'max'));
}

/**
 * Minimum over `axis`; the gradient goes to the minimal elements, split evenly among ties.
 * @param x - input.
 * @param axis - axis or axes to reduce; all if omitted.
 * @param keepDims - keep reduced axes as size 1.
 * @example
 * ```ts
 * min(tensor([[1, 5], [3, 4]]), 1).toArray(); // [1, 3]
 * ```
 */
export function min(x: TensorLike, axis?: Axes, keepDims = false): Tensor {
  const t = asTensor(x);
  return ops.min([t], reduceAttrs(t, axis, keepDims, 'min'));
}

/**
 * `log(sum(exp(x)))` over `axis`, computed stably (shifted by the maximum); finite for inputs of
 * ±1e4.
 * @param x - input.
 * @param axis - axis or axes to reduce; all if omitted.
 * @param keepDims - keep reduced axes as size 1.
 * @example
 * ```ts
 * logSumExp(tensor([1e4, 1e4]), 0).item(); // 10000.693...
 * ```
 */
export function logSumExp(x: TensorLike, axis?: Axes, keepDims = false): Tensor {
  const t = asTensor(x);
  return ops.logSumExp([t], reduceAttrs(t, axis, keepDims, 'logSumExp'));
}

/**
 * Softmax along `axis` (default last), shifted by the maximum so it never overflows.
 * @param x - logits.
 * @param axis - the class axis.
 * @example
 * ```ts
 * softmax(tensor([0, 0])).toArray(); // [0.5, 0.5]
 * ```
 */
export function softmax(x: TensorLike, axis = -1): Tensor {
  const t = asTensor(x);
  return ops.softmax([t], { axis: normalizeAxis(axis, t.ndim, 'softmax') });
}

/**
 * Log-softmax along `axis` (default last): `x - logSumExp(x)`, exact and finite for logits of ±1e4.
 * @param x - logits.
 * @param axis - the class axis.
 * @example
 * ```ts
 * logSoftmax(tensor([1e4, 0])).toArray(); // [0, -10000]
 * ```
 */
export function logSoftmax(x: TensorLike, axis = -1): Tensor {
  const t = asTensor(x);
  return ops.logSoftmax([t], { axis: normalizeAxis(axis, t.ndim, 'logSoftmax') });
}

/**
 * Index of the maximum along `axis` (first one on ties), as int32. No gradient.
 * @param x - input.
 * @param axis - the axis to search (default last).
 * @param keepDims - keep the axis as size 1.
 * @example
 * ```ts
 * argmax(tensor([[1, 5], [7, 4]])).toArray(); // [1, 0]
 * ```
 */
export function argmax(x: TensorLike, axis = -1, keepDims = false): Tensor {
  const t = asTensor(x);
  return ops.arg([t], { axis: normalizeAxis(axis, t.ndim, 'argmax'), keepDims, max: true });
}

/**
 * Index of the minimum along `axis` (first one on ties), as int32. No gradient.
 * @param x - input.
 * @param axis - the axis to search (default last).
 * @param keepDims - keep the axis as size 1.
 * @example
 * ```ts
 * argmin(tensor([[1, 5], [7, 4]])).toArray(); // [0, 1]
 * ```
 */
export function argmin(x: TensorLike, axis = -1, keepDims = false): Tensor {
  const t = asTensor(x);
  return ops.arg([t], { axis: normalizeAxis(axis, t.ndim, 'argmin'), keepDims, max: false });
}

function toFloat(t: Tensor): Tensor {
  const d = new Float32Array(t.size);
  d.set(t.data);
  return new Tensor(d, t.shape);
}

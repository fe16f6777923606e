/**
 * Comparisons (int32 0/1 masks, no gradient), `where` and `clip`.
 */
import { allocate, promote } from '../dtype.js';
import { ValueError } from '../errors.js';
import { binaryMap, broadcastKernel, type BinaryRow } from '../kernels/binary.js';
import { defineOp, type OpSpec } from '../op.js';
import { broadcastShapes, shapesEqual, sizeOf } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { mul } from './binary.js';

function maskSpec(name: string, row: BinaryRow): OpSpec<void> {
  return { name, forward: ([a, b]) => binaryMap(a!, b!, 'int32', name, row), nonDifferentiable: true };
}

export const compareSpecs = {
  greater: maskSpec('greater', (o, a, b, n, ao, as, bo, bs, oo) => {
    for (let k = 0; k < n; k++) o[oo + k] = a[ao + k * as]! > b[bo + k * bs]! ? 1 : 0;
  }),
  greaterEqual: maskSpec('greaterEqual', (o, a, b, n, ao, as, bo, bs, oo) => {
    for (let k = 0; k < n; k++) o[oo + k] = a[ao + k * as]! >= b[bo + k * bs]! ? 1 : 0;
  }),
  less: maskSpec('less', (o, a, b, n, ao, as, bo, bs, oo) => {
    for (let k = 0; k < n; k++) o[oo + k] = a[ao + k * as]! < b[bo + k * bs]! ? 1 : 0;
  }),
  lessEqual: maskSpec('lessEqual', (o, a, b, n, ao, as, bo, bs, oo) => {
    for (let k = 0; k < n; k++) o[oo + k] = a[ao + k * as]! <= b[bo + k * bs]! ? 1 : 0;
  }),
  equal: maskSpec('equal', (o, a, b, n, ao, as, bo, bs, oo) => {
    for (let k = 0; k < n; k++) o[oo + k] = a[ao + k * as]! === b[bo + k * bs]! ? 1 : 0;
  }),
  notEqual: maskSpec('notEqual', (o, a, b, n, ao, as, bo, bs, oo) => {
    for (let k = 0; k < n; k++) o[oo + k] = a[ao + k * as]! !== b[bo + k * bs]! ? 1 : 0;
  }),
  logicalAnd: maskSpec('logicalAnd', (o, a, b, n, ao, as, bo, bs, oo) => {
    for (let k = 0; k < n; k++) o[oo + k] = a[ao + k * as]! !== 0 && b[bo + k * bs]! !== 0 ? 1 : 0;
  }),
  logicalOr: maskSpec('logicalOr', (o, a, b, n, ao, as, bo, bs, oo) => {
    for (let k = 0; k < n; k++) o[oo + k] = a[ao + k * as]! !== 0 || b[bo + k * bs]! !== 0 ? 1 : 0;
  }),
} satisfies Record<string, OpSpec<void>>;

export const whereSpec = {
  name: 'where',
  forward: ([c, a, b]) => {
    let shape = broadcastShapes(c!.shape, a!.shape, 'where', 'condition', 'a');
    shape = broadcastShapes(shape, b!.shape, 'where', 'a', 'b');
    // A one-element operand (`where(c, g, 0)`, the common case) is read with stride 0 instead of
    // being materialised; other broadcasts are expanded.
    const n = sizeOf(shape);
    const expand = (t: Tensor): Tensor => (shapesEqual(t.shape, shape) || t.size === 1 ? t : broadcastKernel(t, shape));
    const cd = expand(c!).data;
    const ad = expand(a!).data;
    const bd = expand(b!).data;
    const cs = cd.length === n ? 1 : 0;
    const as = ad.length === n ? 1 : 0;
    const bs = bd.length === n ? 1 : 0;
    const out = allocate(promote(a!.dtype, b!.dtype), n);
    for (let i = 0, ci = 0, ai = 0, bi = 0; i < n; i++, ci += cs, ai += as, bi += bs) out[i] = cd[ci] !== 0 ? ad[ai]! : bd[bi]!;
    return new Tensor(out, shape);
  },
  backward: (g, { inputs: [c], needsInputGrad: [, na, nb] }) => [
    null,
    na ? where(c!, g, 0) : null,
    nb ? where(c!, 0, g) : null,
  ],
} satisfies OpSpec<void>;

/** Attributes of the clip op. */
export interface ClipAttrs {
  min: number;
  max: number;
}

export const clipSpec = {
  name: 'clip',
  check: (_, { min, max }) => {
    if (!(min <= max)) throw new ValueError('clip', 'min', `expected min <= max, got min=${min}, max=${max}`);
  },
  forward: ([x], { min, max }) => {
    const xd = x!.data;
    const out = allocate(x!.dtype, xd.length);
    for (let i = 0; i < xd.length; i++) {
      const v = xd[i]!;
      out[i] = v < min ? min : v > max ? max : v;
    }
    return new Tensor(out, x!.shape);
  },
  // Gradient passes where min <= x <= max (inclusive, as in PyTorch's clamp).
  backward: (g, { inputs: [x], attrs: { min, max } }) => [mul(g, logicalAnd(greaterEqual(x!, min), lessEqual(x!, max)))],
} satisfies OpSpec<ClipAttrs>;

const ops = {
  greater: defineOp(compareSpecs.greater),
  greaterEqual: defineOp(compareSpecs.greaterEqual),
  less: defineOp(compareSpecs.less),
  lessEqual: defineOp(compareSpecs.lessEqual),
  equal: defineOp(compareSpecs.equal),
  notEqual: defineOp(compareSpecs.notEqual),
  logicalAnd: defineOp(compareSpecs.logicalAnd),
  logicalOr: defineOp(compareSpecs.logicalOr),
  where: defineOp(whereSpec),
  clip: defineOp(clipSpec),
};

/**
 * `a > b` as an int32 mask (1 where true), with broadcasting. No gradient.
 * @param a - left side.
 * @param b - right side.
 * @example
 * ```ts
 * greater(tensor([1, 3]), 2).toArray(); // [0, 1]
 * ```
 */
export function greater(a: TensorLike, b: TensorLike): Tensor {
  return ops.greater([a, b]);
}
/**
 * `a >= b` as an int32 mask.
 * @param a - left side.
 * @param b - right side.
 * @example
 * ```ts
 * greaterEqual(tensor([1, 2]), 2).toArray(); // [0, 1]
 * ```
 */
export function greaterEqual(a: TensorLike, b: TensorLike): Tensor {
  return ops.greaterEqual([a, b]);
}
/**
 * `a < b` as an int32 mask.
 * @param a - left side.
 * @param b - right side.
 * @example
 * ```ts
 * less(tensor([1, 3]), 2).toArray(); // [1, 0]
 * ```
 */
export function less(a: TensorLike, b: TensorLike): Tensor {
  return ops.less([a, b]);
}
/**
 * `a <= b` as an int32 mask.
 * @param a - left side.
 * @param b - right side.
 * @example
 * ```ts
 * lessEqual(tensor([2, 3]), 2).toArray(); // [1, 0]
 * ```
 */
export function lessEqual(a: TensorLike, b: TensorLike): Tensor {
  return ops.lessEqual([a, b]);
}
/**
 * `a === b` as an int32 mask.
 * @param a - left side.
 * @param b - right side.
 * @example
 * ```ts
 * equal(tensor([1, 2]), 2).toArray(); // [0, 1]
 * ```
 */
export function equal(a: TensorLike, b: TensorLike): Tensor {
  return ops.equal([a, b]);
}
/**
 * `a !== b` as an int32 mask.
 * @param a - left side.
 * @param b - right side.
 * @example
 * ```ts
 * notEqual(tensor([1, 2]), 2).toArray(); // [1, 0]
 * ```
 */
export function notEqual(a: TensorLike, b: TensorLike): Tensor {
  return ops.notEqual([a, b]);
}
/**
 * Elementwise logical and of two masks (nonzero is true).
 * @param a - left mask.
 * @param b - right mask.
 * @example
 * ```ts
 * logicalAnd(tensor([1, 1, 0]), tensor([1, 0, 0])).toArray(); // [1, 0, 0]
 * ```
 */
export function logicalAnd(a: TensorLike, b: TensorLike): Tensor {
  return ops.logicalAnd([a, b]);
}
/**
 * Elementwise logical or of two masks (nonzero is true).
 * @param a - left mask.
 * @param b - right mask.
 * @example
 * ```ts
 * logicalOr(tensor([1, 0, 0]), tensor([0, 0, 1])).toArray(); // [1, 0, 1]
 * ```
 */
export function logicalOr(a: TensorLike, b: TensorLike): Tensor {
  return ops.logicalOr([a, b]);
}
/**
 * Picks `a` where `condition` is nonzero and `b` elsewhere, broadcasting all three. Gradients flow
 * to `a` and `b` only where each was picked.
 * @param condition - mask (any dtype; nonzero is true).
 * @param a - values where true.
 * @param b - values where false.
 * @example
 * ```ts
 * where(tensor([1, 0]), tensor([1, 2]), 0).toArray(); // [1, 0]
 * ```
 */
export function where(condition: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  // Numbers take the dtype of the tensor branch, not of the (int32) condition.
  const like = a instanceof Tensor ? a : b instanceof Tensor ? b : undefined;
  const A = typeof a === 'number' && like ? scalarLike(a, like) : a;
  const B = typeof b === 'number' && like ? scalarLike(b, like) : b;
  return ops.where([condition, A, B]);
}
/**
 * Limits values to `[min, max]`; the gradient passes where `min <= x <= max`.
 * @param x - input.
 * @param min - lower bound.
 * @param max - upper bound.
 * @example
 * ```ts
 * clip(tensor([-1, 0.5, 2]), 0, 1).toArray(); // [0, 0.5, 1]
 * ```
 */
export function clip(x: TensorLike, min: number, max: number): Tensor {
  return ops.clip([x], { min, max });
}

function scalarLike(v: number, like: Tensor): Tensor {
  const d = allocate(like.dtype === 'int32' && !Number.isInteger(v) ? 'float32' : like.dtype, 1);
  d[0] = v;
  return new Tensor(d, []);
}

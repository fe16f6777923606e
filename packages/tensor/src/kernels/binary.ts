import { type DType, type TypedArray, allocate } from '../dtype.js';
import { broadcastShapes, shapesEqual, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { broadcastStrides, collapse, forEachRow3 } from './strided.js';

/**
 * The inner loop of a broadcasting binary kernel: `n` outputs starting at `oo`, reading A from
 * `ao` in steps of `as` and B from `bo` in steps of `bs` (a step of 0 is a broadcast).
 */
export type BinaryRow = (
  out: TypedArray,
  a: TypedArray,
  b: TypedArray,
  n: number,
  ao: number,
  as: number,
  bo: number,
  bs: number,
  oo: number,
) => void;

/** Applies a row kernel over the NumPy broadcast of `a` and `b`. */
export function binaryMap(a: Tensor, b: Tensor, outDtype: DType, op: string, row: BinaryRow): Tensor {
  const ad = a.data;
  const bd = b.data;
  if (shapesEqual(a.shape, b.shape)) {
    const out = allocate(outDtype, ad.length);
    row(out, ad, bd, ad.length, 0, 1, 0, 1, 0);
    return new Tensor(out, a.shape);
  }
  const shape = broadcastShapes(a.shape, b.shape, op);
  const n = sizeOf(shape);
  const out = allocate(outDtype, n);
  if (bd.length === 1 && ad.length === n) {
    row(out, ad, bd, n, 0, 1, 0, 0, 0);
  } else if (ad.length === 1 && bd.length === n) {
    row(out, ad, bd, n, 0, 0, 0, 1, 0);
  } else if (n > 0) {
    const nd = shape.length;
    const c = collapse(shape, [broadcastStrides(a.shape, nd, shape), broadcastStrides(b.shape, nd, shape)]);
    forEachRow3(c.shape, c.strides[0]!, c.strides[1]!, (len, ao, as, bo, bs, oo) => row(out, ad, bd, len, ao, as, bo, bs, oo));
  }
  return new Tensor(out, shape);
}

/** Materialises `x` broadcast to `shape` (which must be a valid broadcast target). */
export function broadcastKernel(x: Tensor, shape: readonly number[]): Tensor {
  const n = sizeOf(shape);
  const out = allocate(x.dtype, n);
  const xd = x.data;
  if (xd.length === 1) {
    out.fill(xd[0]!);
  } else if (n > 0) {
    const nd = shape.length;
    const c = collapse(shape, [broadcastStrides(x.shape, nd, shape), new Array<number>(nd).fill(0)]);
    forEachRow3(c.shape, c.strides[0]!, c.strides[1]!, (len, xo, xs, _bo, _bs, oo) => {
      if (xs === 1) out.set(xd.subarray(xo, xo + len), oo);
      else if (xs === 0) out.fill(xd[xo]!, oo, oo + len);
      else for (let k = 0; k < len; k++) out[oo + k] = xd[xo + k * xs]!;
    });
  }
  return new Tensor(out, shape.slice());
}

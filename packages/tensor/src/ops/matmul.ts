/**
 * Matrix product with NumPy `matmul` semantics: 2-D, batched with broadcast batch dimensions, and
 * 1-D operands promoted to a row or column and squeezed afterwards.
 */
import { allocate, promote } from '../dtype.js';
import { ShapeError, fmtShape } from '../errors.js';
import { gemm } from '../kernels/matmul.js';
import { broadcastStrides } from '../kernels/strided.js';
import { defineOp, type OpSpec } from '../op.js';
import { broadcastShapes, sizeOf } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { toTensor } from '../convert.js';
import { castArray } from '../convert.js';
import { expandDims, permute, squeeze } from './shape.js';
import { matmulT } from './linear.js';

/** Swaps the last two axes. */
function mT(x: Tensor): Tensor {
  const p = x.shape.map((_, i) => i);
  p[p.length - 1] = p.length - 2;
  p[p.length - 2] = p.length - 1;
  return permute(x, p);
}

export const matmulSpec = {
  name: 'matmul',
  check: ([a, b]) => {
    if (a!.ndim < 2 || b!.ndim < 2) throw new ShapeError('matmul', a!.ndim < 2 ? 'a' : 'b', 'expected at least 2 dimensions');
    const k = a!.shape[a!.ndim - 1]!;
    const kb = b!.shape[b!.ndim - 2]!;
    if (k !== kb) {
      throw new ShapeError(
        'matmul',
        'b',
        `expected ${k} rows to match the ${k} columns of a (shape ${fmtShape(a!.shape)}), got shape ${fmtShape(b!.shape)} with ${kb} rows`,
      );
    }
  },
  forward: ([a, b]) => {
    const m = a!.shape[a!.ndim - 2]!;
    const k = a!.shape[a!.ndim - 1]!;
    const n = b!.shape[b!.ndim - 1]!;
    const batchA = a!.shape.slice(0, -2);
    const batchB = b!.shape.slice(0, -2);
    const batch = broadcastShapes(batchA, batchB, 'matmul');
    const dtype = promote(a!.dtype, b!.dtype);
    const ad = a!.dtype === dtype ? a!.data : castArray(a!.data, dtype, false);
    const bd = b!.dtype === dtype ? b!.data : castArray(b!.data, dtype, false);
    const nb = sizeOf(batch);
    const out = allocate(dtype, nb * m * n);
    const sa = broadcastStrides(batchA, batch.length, batch);
    const sb = broadcastStrides(batchB, batch.length, batch);
    const idx = new Array<number>(batch.length).fill(0);
    for (let t = 0; t < nb; t++) {
      let oa = 0;
      let ob = 0;
      for (let d = 0; d < batch.length; d++) {
        oa += idx[d]! * sa[d]!;
        ob += idx[d]! * sb[d]!;
      }
      gemm(ad, oa * m * k, bd, ob * k * n, out, t * m * n, m, k, n);
      for (let d = batch.length - 1; d >= 0; d--) {
        if (++idx[d]! < batch[d]!) break;
        idx[d] = 0;
      }
    }
    return new Tensor(out, [...batch, m, n]);
  },
  // Batch-broadcast gradients are summed back to each input's shape by autograd. In 2-D the
  // transposed operands are read in place by `matmulT` instead of being materialised.
  backward: (g, { inputs: [a, b], needsInputGrad: [na, nb] }) =>
    a!.ndim === 2 && b!.ndim === 2
      ? [na ? matmulT(g, b!, false, true) : null, nb ? matmulT(a!, g, true, false) : null]
      : [na ? matmul(g, mT(b!)) : null, nb ? matmul(mT(a!), g) : null],
} satisfies OpSpec<void>;

const matmulOp = defineOp(matmulSpec);

/** Validates the shapes the caller passed (before 1-D operands are promoted), so messages show them. */
function checkShapes(sa: readonly number[], sb: readonly number[]): void {
  const k = sa[sa.length - 1]!;
  const kb = sb[Math.max(0, sb.length - 2)]!;
  if (k !== kb) {
    throw new ShapeError('matmul', 'b', `expected ${k} rows to match the ${k} columns of a (shape ${fmtShape(sa)}), got shape ${fmtShape(sb)} with ${kb} rows`);
  }
  const ba = sa.slice(0, -2);
  const bb = sb.slice(0, -2);
  try {
    broadcastShapes(ba, bb, 'matmul');
  } catch {
    throw new ShapeError(
      'matmul',
      'b',
      `of shape ${fmtShape(sb)} has batch dimensions ${fmtShape(bb)} that cannot be broadcast with the batch dimensions ${fmtShape(ba)} of a (shape ${fmtShape(sa)})`,
    );
  }
}

/**
 * Matrix product with NumPy `matmul` semantics: `[..., m, k] @ [..., k, n] -> [..., m, n]` with
 * broadcast batch dimensions; a 1-D operand is treated as a row (left) or column (right) vector.
 * @param a - left operand.
 * @param b - right operand.
 * @example
 * ```ts
 * matmul(tensor([[1, 2]]), tensor([[3], [4]])).toArray(); // [[11]]
 * matmul(zeros([5, 2, 3]), zeros([3, 4])).shape;        // [5, 2, 4]
 * ```
 */
export function matmul(a: TensorLike, b: TensorLike): Tensor {
  const A = toTensor(a);
  const B = toTensor(b, A);
  if (A.ndim === 0 || B.ndim === 0) throw new ShapeError('matmul', A.ndim === 0 ? 'a' : 'b', 'expected at least 1 dimension, got a scalar');
  checkShapes(A.shape, B.shape);
  const A2 = A.ndim === 1 ? expandDims(A, 0) : A;
  const B2 = B.ndim === 1 ? expandDims(B, 1) : B;
  let out = matmulOp([A2, B2]);
  if (A.ndim === 1) out = squeeze(out, -2);
  if (B.ndim === 1) out = squeeze(out, -1);
  return out;
}

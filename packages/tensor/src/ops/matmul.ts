/**
 * Matrix product with NumPy `matmul` semantics: 2-D, batched with broadcast batch dimensions, and
 * 1-D operands promoted to a row or column and squeezed afterwards. The kernel is in
 * `kernels/js/linalg.ts`, the backward rule in the primitive table (`primitives.ts`).
 */
import { ShapeError, fmtShape } from '../errors.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { toTensor } from '../convert.js';
import { P } from './primitives.js';
import { expandDims, squeeze } from './shape.js';

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
  let out = P.matmul([A2, B2]);
  if (A.ndim === 1) out = squeeze(out, -2);
  if (B.ndim === 1) out = squeeze(out, -1);
  return out;
}

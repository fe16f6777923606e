/**
 * Fused matrix ops that never materialise a transpose: `matmulT` (a 2-D product with either
 * operand read transposed) and `linear` (`x @ weightᵀ + bias` in one kernel call). The strided
 * GEMM reads a transposed operand with swapped strides while packing, so `Aᵀ·B`, `A·Bᵀ` and
 * `Aᵀ·Bᵀ` cost what `A·B` does. Kernels in `kernels/js/linalg.ts`; backward rules (themselves
 * written with `matmulT`, so differentiable to any order) in the primitive table.
 */
import type { Tensor } from '../tensor.js';
import { P } from './primitives.js';
import { reshape } from './shape.js';

/**
 * `op(a) · op(b)` for 2-D tensors, where `op` transposes when its flag is set — without
 * materialising the transpose.
 * @internal
 * @param a - left operand, `[m, k]` (or `[k, m]` with `transA`).
 * @param b - right operand, `[k, n]` (or `[n, k]` with `transB`).
 * @param transA - read `a` transposed.
 * @param transB - read `b` transposed.
 * @example
 * ```ts
 * matmulT(x, w, false, true); // x @ wᵀ
 * ```
 */
export function matmulT(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  return P.matmulT([a, b], { transA, transB });
}

/**
 * The fused affine map `x @ weightᵀ + bias` for `x` of shape `[..., in]`, `weight` `[out, in]`,
 * `bias` `[out]` (or none): one GEMM call that reads the weight transposed in place and starts
 * from the bias. Inputs are assumed validated by the caller (`nn.functional.linear`).
 * @internal
 * @param x - input `[..., in]` (at least 1-D).
 * @param weight - `[out, in]`.
 * @param bias - `[out]`, or `null` for none.
 * @example
 * ```ts
 * fusedLinear(x, layer.weight, layer.bias);
 * ```
 */
export function fusedLinear(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const inF = weight.shape[1]!;
  const outF = weight.shape[0]!;
  let rows = 1;
  for (let i = 0; i < x.ndim - 1; i++) rows *= x.shape[i]!;
  const flat = x.ndim === 2 ? x : reshape(x, [rows, inF]);
  const y = bias === null ? P.linear([flat, weight]) : P.linear([flat, weight, bias]);
  return x.ndim === 2 ? y : reshape(y, [...x.shape.slice(0, -1), outF]);
}

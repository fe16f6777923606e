/**
 * Fused matrix ops that never materialise a transpose: `matmulT` (a 2-D product with either
 * operand read transposed) and `linear` (`x @ weightᵀ + bias` in one kernel call, the bias written
 * into the output before the product is accumulated onto it). The strided GEMM reads a transposed
 * operand with swapped strides while packing, so `Aᵀ·B`, `A·Bᵀ` and `Aᵀ·Bᵀ` cost what `A·B` does.
 *
 * The backward rules are written with `matmulT` itself, which is closed under differentiation
 * (every VJP of a transposed product is another transposed product), so both ops are
 * differentiable to any order.
 */
import { allocate, promote, type DType, type TypedArray } from '../dtype.js';
import { ShapeError, fmtShape } from '../errors.js';
import { castArray } from '../convert.js';
import { gemmStrided } from '../kernels/matmul.js';
import { defineOp, type OpSpec } from '../op.js';
import { Tensor } from '../tensor.js';
import { sum } from './reduce.js';
import { reshape } from './shape.js';

/**
 * Attributes of {@link matmulT}: whether each stored operand is read transposed.
 * @internal
 * @example
 * ```ts
 * const attrs: MatmulTAttrs = { transA: false, transB: true }; // a · bᵀ
 * ```
 */
export interface MatmulTAttrs {
  transA: boolean;
  transB: boolean;
}

function dataAs(t: Tensor, dtype: DType): TypedArray {
  return t.dtype === dtype ? t.data : castArray(t.data, dtype, false);
}

/**
 * @internal `op(A) · op(B)` for 2-D operands, op = identity or transpose.
 * @example
 * ```ts
 * defineOp(matmulTSpec)([a, b], { transA: true, transB: false }); // aᵀ · b
 * ```
 */
export const matmulTSpec = {
  name: 'matmulT',
  check: ([a, b], { transA, transB }) => {
    if (a!.ndim !== 2 || b!.ndim !== 2) throw new ShapeError('matmulT', a!.ndim !== 2 ? 'a' : 'b', 'expected a 2-D tensor');
    const k = transA ? a!.shape[0]! : a!.shape[1]!;
    const kb = transB ? b!.shape[1]! : b!.shape[0]!;
    if (k !== kb) {
      throw new ShapeError('matmulT', 'b', `expected inner dimension ${k} (a of shape ${fmtShape(a!.shape)}, transA=${transA}), got ${kb} (shape ${fmtShape(b!.shape)}, transB=${transB})`);
    }
  },
  forward: ([a, b], { transA, transB }) => {
    const [ar, ac] = a!.shape as [number, number];
    const [br, bc] = b!.shape as [number, number];
    const m = transA ? ac : ar;
    const k = transA ? ar : ac;
    const n = transB ? br : bc;
    const dtype = promote(a!.dtype, b!.dtype);
    const out = allocate(dtype, m * n);
    gemmStrided(
      m, n, k,
      dataAs(a!, dtype), 0, transA ? 1 : ac, transA ? ac : 1,
      dataAs(b!, dtype), 0, transB ? 1 : bc, transB ? bc : 1,
      out, 0, n, false,
    );
    return new Tensor(out, [m, n]);
  },
  backward: (g, { inputs: [a, b], attrs: { transA, transB }, needsInputGrad: [na, nb] }) => {
    // C = op(A)·op(B). For each layout the VJP is another transposed product (see file comment).
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (na) {
      ga = transA
        ? matmulT(b!, g, transB, true) // dA (k×m) = op(B)·Gᵀ
        : matmulT(g, b!, false, !transB); // dA (m×k) = G·op(B)ᵀ
    }
    if (nb) {
      gb = transB
        ? matmulT(g, a!, true, transA) // dB (n×k) = Gᵀ·op(A)
        : matmulT(a!, g, !transA, false); // dB (k×n) = op(A)ᵀ·G
    }
    return [ga, gb];
  },
} satisfies OpSpec<MatmulTAttrs>;

const matmulTOp = defineOp(matmulTSpec);

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
  return matmulTOp([a, b], { transA, transB });
}

/**
 * @internal `x @ wᵀ (+ b)` for a 2-D `x`: inputs `[x, w]` or `[x, w, b]`.
 * @example
 * ```ts
 * defineOp(linearSpec)([x, weight, bias]);
 * ```
 */
export const linearSpec = {
  name: 'linear',
  check: (inputs) => {
    const [x, w, b] = inputs;
    if (x!.ndim !== 2 || w!.ndim !== 2) throw new ShapeError('linear', x!.ndim !== 2 ? 'x' : 'weight', 'expected a 2-D tensor');
    if (x!.shape[1] !== w!.shape[1]) {
      throw new ShapeError('linear', 'x', `expected a last dimension of ${w!.shape[1]} (weight shape ${fmtShape(w!.shape)}), got shape ${fmtShape(x!.shape)}`);
    }
    if (b !== undefined && (b.ndim !== 1 || b.shape[0] !== w!.shape[0])) {
      throw new ShapeError('linear', 'bias', `expected shape [${w!.shape[0]}] (weight shape ${fmtShape(w!.shape)}), got ${fmtShape(b.shape)}`);
    }
  },
  forward: (inputs) => {
    const [x, w, b] = inputs;
    const [rows, inF] = x!.shape as [number, number];
    const outF = w!.shape[0]!;
    let dtype = promote(x!.dtype, w!.dtype);
    if (b !== undefined) dtype = promote(dtype, b.dtype);
    if (dtype === 'int32') dtype = 'float32';
    const out = allocate(dtype, rows * outF);
    if (b !== undefined && outF === 1) out.fill(b.data[0]!);
    else if (b !== undefined) {
      const bd = b.data;
      for (let i = 0; i < rows; i++) {
        const o = i * outF;
        for (let j = 0; j < outF; j++) out[o + j] = bd[j]!;
      }
    }
    gemmStrided(rows, outF, inF, dataAs(x!, dtype), 0, inF, 1, dataAs(w!, dtype), 0, 1, inF, out, 0, outF, b !== undefined);
    return new Tensor(out, [rows, outF]);
  },
  backward: (g, { inputs, needsInputGrad }) => {
    const [x, w] = inputs;
    return [
      needsInputGrad[0] ? matmulT(g, w!, false, false) : null, // [N, out]·[out, in]
      needsInputGrad[1] ? matmulT(g, x!, true, false) : null, // [N, out]ᵀ·[N, in]
      inputs.length > 2 && needsInputGrad[2] ? sum(g, 0) : null,
    ];
  },
} satisfies OpSpec<void>;

const linearOp = defineOp(linearSpec);

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
  const y = bias === null ? linearOp([flat, weight]) : linearOp([flat, weight, bias]);
  return x.ndim === 2 ? y : reshape(y, [...x.shape.slice(0, -1), outF]);
}

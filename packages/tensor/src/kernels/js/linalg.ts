/**
 * Matrix products over the packed GEMM of `gemm.ts`: `matmul` (NumPy semantics with broadcast
 * batch dimensions), `matmulT` (a 2-D product with either operand read transposed in place) and
 * `linear` (`x @ weightᵀ + bias` in one GEMM call, the bias written into the output first).
 */
import { type DType, type TypedArray, allocate, promote } from '../../dtype.js';
import { castArray } from '../../convert.js';
import { broadcastShapes, sizeOf } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { gemm, gemmStrided } from '../matmul.js';
import type { Kernels } from '../signature.js';
import { broadcastStrides } from '../strided.js';

function dataAs(t: Tensor, dtype: DType): TypedArray {
  return t.dtype === dtype ? t.data : castArray(t.data, dtype, false);
}

export const linalgKernels = {
  matmul: ([a, b]) => {
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
  matmulT: ([a, b], { transA, transB }) => {
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
  linear: (inputs) => {
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
} satisfies Pick<Kernels, 'matmul' | 'matmulT' | 'linear'>;

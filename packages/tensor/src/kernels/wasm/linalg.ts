/**
 * The matrix products on the WebAssembly tier — `matmul` (broadcast batch dimensions), `matmulT`
 * (either operand read transposed, packed from strided reads) and `linear` (`x @ weightᵀ + bias`,
 * the bias written into the output and the product accumulated onto it) — with the JavaScript
 * kernels' semantics. Integer or mixed dtypes, calls the wasm tier cannot take (no WebAssembly,
 * too much memory) and the shapes where JavaScript is faster ({@link jsIsFaster}) run the
 * JavaScript kernels of `js/linalg.ts` instead.
 *
 * float32 accumulates in float32 here (f32x4 lanes), where the JavaScript kernel accumulates in
 * float64: results agree to float32 rounding of sums over k, not bit for bit.
 */
import { allocate } from '../../dtype.js';
import { broadcastShapes, sizeOf } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { linalgKernels as js } from '../js/linalg.js';
import type { Kernels } from '../signature.js';
import { broadcastStrides } from '../strided.js';
import { GemmCall, type GemmDType } from './gemm.js';

/** The common float dtype of `ts`, or `null` when they mix dtypes or are integers. */
function floatDType(ts: readonly (Tensor | undefined)[]): GemmDType | null {
  const d = ts[0]!.dtype;
  if (d === 'int32') return null;
  for (const t of ts) if (t !== undefined && t.dtype !== d) return null;
  return d;
}

/**
 * Products the JavaScript kernels compute faster: a single output column (`n = 1`: a matrix-vector
 * product, memory-bound, where the 8-wide tile would waste 7 of 8 lanes and the copies dominate;
 * 100000×32 · 32×1 measured 3.4 ms in JavaScript against 4.8 ms here), and tiny products, where a
 * wasm call's fixed cost of about 0.5 µs exceeds the work (4×4×4: 0.43 against 0.67 µs; from
 * about 6×6×6 on, wasm is faster).
 */
export function jsIsFaster(m: number, n: number, k: number): boolean {
  return n === 1 || m * n * k < 128;
}

export const wasmLinalgKernels = {
  matmul: (inputs) => {
    const [a, b] = inputs as [Tensor, Tensor];
    const dtype = floatDType(inputs);
    if (dtype === null) return js.matmul(inputs);
    const m = a.shape[a.ndim - 2]!;
    const k = a.shape[a.ndim - 1]!;
    const n = b.shape[b.ndim - 1]!;
    const batchA = a.shape.slice(0, -2);
    const batchB = b.shape.slice(0, -2);
    const batch = broadcastShapes(batchA, batchB, 'matmul');
    const nb = sizeOf(batch);
    if (jsIsFaster(nb * m, n, k)) return js.matmul(inputs);
    const sa = broadcastStrides(batchA, batch.length, batch);
    const sb = broadcastStrides(batchB, batch.length, batch);
    // B shared by every batch and A holding every batch: the batches of A stack into one
    // (nb·m) × k operand, so the whole product is a single GEMM with B packed once.
    const stacked = sb.every((s) => s === 0) && sizeOf(batchA) === nb;
    const call = GemmCall.start(dtype, stacked ? nb * m : m, n, k);
    if (call === null) return js.matmul(inputs);
    const out = allocate(dtype, nb * m * n);
    if (stacked) {
      call.packA(a.data, 0, k, 1);
      call.packB(b.data, 0, n, 1);
      call.multiply(out, 0, n, false);
    } else {
      const idx = new Array<number>(batch.length).fill(0);
      let packedA = -1;
      let packedB = -1;
      for (let t = 0; t < nb; t++) {
        let oa = 0;
        let ob = 0;
        for (let d = 0; d < batch.length; d++) {
          oa += idx[d]! * sa[d]!;
          ob += idx[d]! * sb[d]!;
        }
        // A broadcast operand keeps its packing from the previous batch.
        if (oa !== packedA) call.packA(a.data, oa * m * k, k, 1);
        if (ob !== packedB) call.packB(b.data, ob * k * n, n, 1);
        packedA = oa;
        packedB = ob;
        call.multiply(out, t * m * n, n, false);
        for (let d = batch.length - 1; d >= 0; d--) {
          if (++idx[d]! < batch[d]!) break;
          idx[d] = 0;
        }
      }
    }
    call.finish();
    return new Tensor(out, [...batch, m, n]);
  },
  matmulT: (inputs, attrs) => {
    const [a, b] = inputs as [Tensor, Tensor];
    const dtype = floatDType(inputs);
    if (dtype === null) return js.matmulT(inputs, attrs);
    const { transA, transB } = attrs;
    const [ar, ac] = a.shape as [number, number];
    const [br, bc] = b.shape as [number, number];
    const m = transA ? ac : ar;
    const k = transA ? ar : ac;
    const n = transB ? br : bc;
    if (jsIsFaster(m, n, k)) return js.matmulT(inputs, attrs);
    const call = GemmCall.start(dtype, m, n, k);
    if (call === null) return js.matmulT(inputs, attrs);
    const out = allocate(dtype, m * n);
    call.packA(a.data, 0, transA ? 1 : ac, transA ? ac : 1);
    call.packB(b.data, 0, transB ? 1 : bc, transB ? bc : 1);
    call.multiply(out, 0, n, false);
    call.finish();
    return new Tensor(out, [m, n]);
  },
  linear: (inputs) => {
    const [x, w, bias] = inputs as [Tensor, Tensor, Tensor | undefined];
    const dtype = floatDType(inputs);
    if (dtype === null) return js.linear(inputs);
    const [rows, inF] = x.shape as [number, number];
    const outF = w.shape[0]!;
    if (jsIsFaster(rows, outF, inF)) return js.linear(inputs);
    const call = GemmCall.start(dtype, rows, outF, inF);
    if (call === null) return js.linear(inputs);
    const out = allocate(dtype, rows * outF);
    if (bias !== undefined) {
      const row = bias.data.subarray(0, outF);
      for (let i = 0; i < rows; i++) out.set(row, i * outF);
    }
    call.packA(x.data, 0, inF, 1);
    call.packB(w.data, 0, 1, inF);
    call.multiply(out, 0, outF, bias !== undefined);
    call.finish();
    return new Tensor(out, [rows, outF]);
  },
} satisfies Pick<Kernels, 'matmul' | 'matmulT' | 'linear'>;

/**
 * One GEMM call on the WebAssembly tier: `C (=|+=) op(A)·op(B)` with the operands addressed
 * through row and column strides (as the JavaScript `gemmStrided`), for float32 or float64. A
 * {@link GemmCall} lays out the packed A, the packed B and the padded C in wasm memory (see
 * `memory.ts` for why operands are copied per call), packs the operands, runs the module and
 * copies C out. Packing A and B are separate steps so that a batched product re-packs only the
 * operand whose batch slice changed (a broadcast operand is packed once).
 */
import type { TypedArray } from '../../dtype.js';
import type { GemmTiling } from './gemm-module.js';
import { tileCols } from './gemm-module.js';
import { f32GemmModule, f32Tiling } from './gemm-f32.js';
import { f64GemmModule, f64Tiling } from './gemm-f64.js';
import { MR, copyCIn, copyCOut, packA, packB, type Heap } from './gemm-pack.js';
import { heapF32, heapF64, instance, reserve, trim } from './memory.js';
import type { WasmModule } from './runtime.js';

/** The float dtypes the wasm GEMM computes in. */
export type GemmDType = 'float32' | 'float64';

interface Family {
  readonly tiling: GemmTiling;
  readonly module: () => WasmModule | null;
  readonly heap: () => Heap;
  readonly bytes: number;
}

const FAMILIES: Readonly<Record<GemmDType, Family>> = {
  float32: { tiling: f32Tiling, module: f32GemmModule, heap: heapF32, bytes: 4 },
  float64: { tiling: f64Tiling, module: f64GemmModule, heap: heapF64, bytes: 8 },
};

type GemmExport = (a: number, b: number, c: number, mPad: number, nPad: number, k: number, load: number) => void;

/** Rounds `x` up to a multiple of `step`. */
const roundUp = (x: number, step: number): number => Math.ceil(x / step) * step;

/** The memory layout of one `m × k` by `k × n` product, and the steps that fill and run it. */
export class GemmCall {
  private constructor(
    private readonly family: Family,
    private readonly run: GemmExport,
    readonly m: number,
    readonly n: number,
    readonly k: number,
    private readonly mPad: number,
    private readonly nPad: number,
    /** Element offsets of the packed A, the packed B and the padded C. */
    private readonly aAt: number,
    private readonly bAt: number,
    private readonly cAt: number,
  ) {}

  /**
   * Reserves memory for an `m × k` by `k × n` product in `dtype`, or returns `null` when the wasm
   * tier cannot take it (no WebAssembly, or more memory than one call may use): the caller then
   * computes in JavaScript.
   */
  static start(dtype: GemmDType, m: number, n: number, k: number): GemmCall | null {
    const family = FAMILIES[dtype];
    const module = family.module();
    if (module === null) return null;
    const t = family.tiling;
    const mPad = roundUp(m, MR);
    const nPad = roundUp(n, tileCols(t));
    // Every region is a multiple of 4 elements long, so each starts 16-byte aligned.
    const aAt = 0;
    const bAt = aAt + mPad * k;
    const cAt = bAt + k * nPad;
    if (!reserve((cAt + mPad * nPad) * family.bytes)) return null;
    const run = instance(module).gemm as GemmExport;
    return new GemmCall(family, run, m, n, k, mPad, nPad, aAt, bAt, cAt);
  }

  /** Packs `A(i, p) = a[ao + i·ars + p·acs]`. */
  packA(a: TypedArray, ao: number, ars: number, acs: number): void {
    packA(this.family.heap(), this.aAt, a, ao, ars, acs, this.m, this.k, this.family.tiling.kc);
  }

  /** Packs `B(p, j) = b[bo + p·brs + j·bcs]`. */
  packB(b: TypedArray, bo: number, brs: number, bcs: number): void {
    packB(this.family.heap(), this.bAt, b, bo, brs, bcs, this.k, this.n, this.family.tiling.kc, tileCols(this.family.tiling));
  }

  /**
   * Computes the product of the packed operands into C (row pitch `ldc`, from `co`): overwriting
   * it, or adding to its values with `accumulate`.
   */
  multiply(c: TypedArray, co: number, ldc: number, accumulate: boolean): void {
    const { m, n, k, mPad, nPad } = this;
    if (m === 0 || n === 0) return;
    if (k === 0) {
      if (!accumulate) for (let i = 0; i < m; i++) c.fill(0, co + i * ldc, co + i * ldc + n);
      return;
    }
    const heap = this.family.heap();
    if (accumulate) copyCIn(heap, this.cAt, nPad, c, co, ldc, m, n);
    const es = this.family.bytes;
    this.run(this.aAt * es, this.bAt * es, this.cAt * es, mPad, nPad, k, accumulate ? 1 : 0);
    copyCOut(heap, this.cAt, nPad, c, co, ldc, m, n);
  }

  /** Ends the call: releases memory that grew too large to keep. */
  finish(): void {
    trim();
  }
}

/**
 * `C[m×n] (=|+=) op(A)·op(B)` on the wasm tier, with the strided addressing of the JavaScript
 * `gemmStrided`; returns `false` (leaving C untouched) when the wasm tier cannot take the call.
 */
export function wasmGemm(
  dtype: GemmDType,
  m: number,
  n: number,
  k: number,
  a: TypedArray,
  ao: number,
  ars: number,
  acs: number,
  b: TypedArray,
  bo: number,
  brs: number,
  bcs: number,
  c: TypedArray,
  co: number,
  ldc: number,
  accumulate: boolean,
): boolean {
  const call = GemmCall.start(dtype, m, n, k);
  if (call === null) return false;
  call.packA(a, ao, ars, acs);
  call.packB(b, bo, brs, bcs);
  call.multiply(c, co, ldc, accumulate);
  call.finish();
  return true;
}

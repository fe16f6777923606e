/**
 * One GEMM call on the WebAssembly tier: `C (=|+=) op(A)·op(B)` with the operands addressed
 * through row and column strides (as the JavaScript `gemmStrided`), for float32 or float64. A
 * {@link GemmCall} lays out the packed A, the packed B, the padded C and a scratch in wasm memory
 * (see `memory.ts` for why operands are copied per call); each operand is copied into the scratch
 * as stored (a memcpy) and packed from there by the module, which then multiplies; C is copied
 * out. Packing A and B are separate steps so that a batched product re-packs only the operand
 * whose batch slice changed (a broadcast operand is packed once).
 */
import type { TypedArray } from '../../dtype.js';
import { type GemmTiling, tileCols } from './gemm-tiling.js';
import { f32GemmModule, f32Tiling } from './gemm-f32.js';
import { f64GemmModule, f64Tiling } from './gemm-f64.js';
import { copyCIn, copyCOut, type Heap } from './gemm-output.js';
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

/** The module's exports (byte pointers and byte strides; see gemm-module.ts). */
interface GemmExports {
  gemm(a: number, b: number, c: number, mPad: number, nPad: number, k: number, load: number): void;
  packA(src: number, rs: number, cs: number, m: number, k: number, dst: number): void;
  packB(src: number, rs: number, cs: number, k: number, n: number, dst: number): void;
}

/** Rounds `x` up to a multiple of `step`. */
const roundUp = (x: number, step: number): number => Math.ceil(x / step) * step;

/** The memory layout of one `m × k` by `k × n` product, and the steps that fill and run it. */
export class GemmCall {
  private constructor(
    private readonly family: Family,
    private readonly wasm: GemmExports,
    readonly m: number,
    readonly n: number,
    readonly k: number,
    private readonly mPad: number,
    private readonly nPad: number,
    /** Element offsets of the packed A, the packed B, the padded C and the stored-operand scratch. */
    private readonly aAt: number,
    private readonly bAt: number,
    private readonly cAt: number,
    private readonly rawAt: number,
    private readonly rawLength: number,
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
    const mPad = roundUp(m, t.mr);
    const nPad = roundUp(n, tileCols(t));
    // The packed regions are multiples of 4 elements long, so each starts 16-byte aligned. The
    // scratch holds one stored operand at a time (A, then B) for the wasm packing routines.
    const aAt = 0;
    const bAt = aAt + mPad * k;
    const cAt = bAt + k * nPad;
    const rawAt = cAt + mPad * nPad;
    const rawLength = Math.max(m * k, k * n);
    if (!reserve((rawAt + rawLength) * family.bytes)) return null;
    const wasm = instance(module) as unknown as GemmExports;
    return new GemmCall(family, wasm, m, n, k, mPad, nPad, aAt, bAt, cAt, rawAt, rawLength);
  }

  /** Packs `A(i, p) = a[ao + i·ars + p·acs]` (`a` holding a contiguous `m·k` block from `ao`). */
  packA(a: TypedArray, ao: number, ars: number, acs: number): void {
    const { m, k } = this;
    if (m === 0 || k === 0) return;
    const es = this.family.bytes;
    this.copyRaw(a, ao, (m - 1) * ars + (k - 1) * acs + 1);
    this.wasm.packA(this.rawAt * es, ars * es, acs * es, m, k, this.aAt * es);
  }

  /** Packs `B(p, j) = b[bo + p·brs + j·bcs]` (`b` holding a contiguous `k·n` block from `bo`). */
  packB(b: TypedArray, bo: number, brs: number, bcs: number): void {
    const { n, k } = this;
    if (n === 0 || k === 0) return;
    const es = this.family.bytes;
    this.copyRaw(b, bo, (k - 1) * brs + (n - 1) * bcs + 1);
    this.wasm.packB(this.rawAt * es, brs * es, bcs * es, k, n, this.bAt * es);
  }

  /** Copies `length` stored elements from `src[from]` into the scratch (a memcpy). */
  private copyRaw(src: TypedArray, from: number, length: number): void {
    if (length > this.rawLength) throw new RangeError(`GemmCall: an operand spanning ${length} elements exceeds its ${this.rawLength}-element scratch`);
    this.family.heap().set(src.subarray(from, from + length), this.rawAt);
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
    this.wasm.gemm(this.aAt * es, this.bAt * es, this.cAt * es, mPad, nPad, k, accumulate ? 1 : 0);
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

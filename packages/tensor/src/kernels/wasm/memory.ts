/**
 * The one `WebAssembly.Memory` every wasm kernel works in, and the instances bound to it.
 *
 * The memory design: tensors stay garbage-collected JavaScript typed arrays (no `dispose`, ever),
 * so nothing lives in wasm memory between calls. A kernel call copies its operands in (packing
 * them on the way, for GEMM), runs, and copies its result out into a fresh typed array. For GEMM
 * the copies are O(n²) against O(n³) arithmetic. The memory is shared by all kernel modules and
 * grows on demand to the largest call seen; `memory.grow` detaches the old `ArrayBuffer`, so the
 * typed-array views are re-taken after every growth ({@link heapF32} / {@link heapF64} check). A
 * memory cannot shrink, so one that grew beyond {@link RETAIN_BYTES} is dropped after its call
 * ({@link trim}) for the garbage collector, and the next call starts a small one again. Making a
 * fresh memory costs O(bytes) against the O(n³) work of the product that needed it (64 MiB is a
 * 2048 × 2048 float32 product, about 0.5 s of work), so repeated large calls lose little.
 *
 * Calls use byte offsets below 2³⁰ only, so pointer arithmetic in i32 (signed comparisons in the
 * loops) never overflows; a call that needs more memory runs in JavaScript instead.
 */
import { PAGE_BYTES, wasmApi, type WasmMemory, type WasmModule } from './runtime.js';

/** The most memory one call may use (see the note on i32 pointers above). */
export const MAX_BYTES = 2 ** 30;
/** Memory kept between calls; a larger one is released after its call. */
export const RETAIN_BYTES = 64 * 2 ** 20;

let memory: WasmMemory | null = null;
let instances = new Map<WasmModule, Record<string, unknown>>();
let f32 = new Float32Array(0);
let f64 = new Float64Array(0);

/**
 * Makes the memory at least `bytes` long; `false` when that is impossible (too large, or the
 * engine refuses to grow), in which case the caller computes in JavaScript.
 */
export function reserve(bytes: number): boolean {
  if (bytes > MAX_BYTES) return false;
  const api = wasmApi();
  if (api === null) return false;
  try {
    if (memory === null) {
      memory = new api.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE_BYTES)) });
      instances = new Map();
    } else if (memory.buffer.byteLength < bytes) {
      memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES));
    }
  } catch {
    return false;
  }
  return true;
}

/** A float32 view of the whole memory, re-taken if the memory grew since the last call. */
export function heapF32(): Float32Array {
  const buf = memory!.buffer;
  if (f32.buffer !== buf) f32 = new Float32Array(buf);
  return f32;
}

/** A float64 view of the whole memory, re-taken if the memory grew since the last call. */
export function heapF64(): Float64Array {
  const buf = memory!.buffer;
  if (f64.buffer !== buf) f64 = new Float64Array(buf);
  return f64;
}

/** The exports of `module` instantiated on the current memory (imported as `env.memory`). */
export function instance(module: WasmModule): Record<string, unknown> {
  let exports = instances.get(module);
  if (exports === undefined) {
    exports = new (wasmApi()!.Instance)(module, { env: { memory: memory! } }).exports;
    instances.set(module, exports);
  }
  return exports;
}

/** Releases a memory that grew past {@link RETAIN_BYTES} (with its instances and views). */
export function trim(): void {
  if (memory !== null && memory.buffer.byteLength > RETAIN_BYTES) {
    memory = null;
    instances = new Map();
    f32 = new Float32Array(0);
    f64 = new Float64Array(0);
  }
}

/** @internal The current size of the memory in bytes (0 when there is none). */
export function memoryBytes(): number {
  return memory === null ? 0 : memory.buffer.byteLength;
}

/**
 * Version counters for in-place writes. Every in-place write through the library (an optimizer
 * step, `loadStateDict`, the `nn.init` functions) bumps the counter of the buffer it wrote; each
 * recorded op notes its inputs' versions, and backward refuses to use an input that changed since,
 * because its gradient would silently be computed from the new values (PyTorch's check). Counters
 * belong to the storage, so views that share it (`reshape`, `identity`) share the count.
 */
import type { TypedArray } from './dtype.js';

// Keyed by the typed array, not its ArrayBuffer: views share the array object, and reading
// `.buffer` of a small on-heap typed array makes V8 move it off the heap (a slow path per op).
const versions = new WeakMap<TypedArray, number>();
/** Until the first in-place write every version is 0, so no lookup is needed (the common case of ops outside training). */
let anyWrite = false;

/** @internal The in-place write count of the buffer behind `data`. */
export function versionOf(data: TypedArray): number {
  return anyWrite ? (versions.get(data) ?? 0) : 0;
}

/** @internal Records an in-place write to the buffer behind `data`. */
export function bumpVersion(data: TypedArray): void {
  anyWrite = true;
  versions.set(data, (versions.get(data) ?? 0) + 1);
}

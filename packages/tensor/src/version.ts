/**
 * Version counters for in-place writes. Every in-place write through the library (an optimizer
 * step, `loadStateDict`, the `nn.init` functions) bumps the counter of the buffer it wrote; each
 * recorded op notes its inputs' versions, and backward refuses to use an input that changed since,
 * because its gradient would silently be computed from the new values (PyTorch's check). Counters
 * belong to the buffer, so views that share it (`reshape`, `identity`) share the count.
 */
import type { TypedArray } from './dtype.js';

const versions = new WeakMap<ArrayBufferLike, number>();

/** @internal The in-place write count of the buffer behind `data`. */
export function versionOf(data: TypedArray): number {
  return versions.get(data.buffer) ?? 0;
}

/** @internal Records an in-place write to the buffer behind `data`. */
export function bumpVersion(data: TypedArray): void {
  versions.set(data.buffer, (versions.get(data.buffer) ?? 0) + 1);
}

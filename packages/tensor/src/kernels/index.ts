/**
 * The kernel seam: the one place ops get their kernels from. `jsKernels` is the reference backend
 * (plain typed-array loops); another backend supplies a subset of `Kernels`, and every kernel it
 * lacks falls back to JavaScript. Ops never import kernel files directly.
 */
import { broadcastKernels } from './js/broadcast.js';
import { elementwiseKernels } from './js/elementwise.js';
import { layoutKernels } from './js/layout.js';
import { linalgKernels } from './js/linalg.js';
import { reduceKernels } from './js/reduce.js';
import type { Kernels } from './signature.js';

export type * from './signature.js';
export { constantMax } from './js/reduce.js';

/** The reference kernels, in plain JavaScript. */
export const jsKernels: Kernels = { ...elementwiseKernels, ...broadcastKernels, ...reduceKernels, ...layoutKernels, ...linalgKernels };

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The kernels in use: the JavaScript ones, overridden per kernel by {@link useKernels}. */
export const kernels: Readonly<Kernels> = { ...jsKernels };

/** Listeners told when a kernel changes (the op table rebinds its forwards once, not per call). */
const listeners: Array<(name: keyof Kernels) => void> = [];

/** @internal Calls `fn(name)` whenever the kernel for `name` is replaced. */
export function onKernelChange(fn: (name: keyof Kernels) => void): void {
  listeners.push(fn);
}

/**
 * @internal Installs `overrides` on top of the JavaScript kernels (and drops earlier overrides);
 * `{}` restores plain JavaScript.
 */
export function useKernels(overrides: Partial<Kernels>): void {
  const k = kernels as Mutable<Kernels>;
  for (const name of Object.keys(jsKernels) as (keyof Kernels)[]) {
    const next = (overrides[name] ?? jsKernels[name]) as never;
    if (k[name] !== next) {
      k[name] = next;
      for (const fn of listeners) fn(name);
    }
  }
}

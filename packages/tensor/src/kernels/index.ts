/**
 * The kernel seam: the one place ops get their kernels from. `jsKernels` is the reference backend
 * (plain typed-array loops); another backend supplies a subset of `Kernels`, and every kernel it
 * lacks falls back to JavaScript. Ops never import kernel files directly. The backend in use is
 * chosen here when the package loads (`backend-env.ts`), so every op starts with it.
 */
import { broadcastKernels } from './js/broadcast.js';
import { elementwiseKernels } from './js/elementwise.js';
import { layoutKernels } from './js/layout.js';
import { linalgKernels } from './js/linalg.js';
import { reduceKernels } from './js/reduce.js';
import type { Kernels } from './signature.js';
import { type BackendName, initialBackend } from './backend-env.js';
import { wasmAvailable, wasmKernels } from './wasm/index.js';

export type * from './signature.js';
export type { BackendName } from './backend-env.js';
export { isBackendName } from './backend-env.js';
export { wasmAvailable } from './wasm/index.js';
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

/** The kernels each backend installs over the JavaScript ones. */
const backendKernels: Readonly<Record<BackendName, Partial<Kernels>>> = { js: {}, wasm: wasmKernels };

let active: BackendName = 'js';

/**
 * @internal Switches every op to `name`'s kernels (JavaScript for those it lacks). The caller
 * checks that the backend can run here ({@link wasmAvailable}).
 */
export function useBackend(name: BackendName): void {
  useKernels(backendKernels[name]);
  active = name;
}

/** @internal The backend in use. */
export function activeBackend(): BackendName {
  return active;
}

useBackend(initialBackend(wasmAvailable()));

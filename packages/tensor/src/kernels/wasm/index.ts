/**
 * The WebAssembly SIMD tier: the kernels it provides (a subset of `Kernels`; the seam falls back
 * to JavaScript for the rest) and whether this engine can run it.
 */
import type { Kernels } from '../signature.js';
import { hasSimd } from './features.js';
import { wasmLinalgKernels } from './linalg.js';

/** The kernels the WebAssembly tier provides. */
export const wasmKernels: Partial<Kernels> = { ...wasmLinalgKernels };

/** Whether this engine has WebAssembly with SIMD128 (checked by validation, nothing compiled). */
export function wasmAvailable(): boolean {
  return hasSimd();
}

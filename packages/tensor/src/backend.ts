/**
 * Choosing the compute backend: JavaScript kernels everywhere, or the WebAssembly SIMD tier for
 * the kernels it has (today the matrix products: `matmul`, the transposed products autograd
 * uses, and `nn.Linear`'s fused affine map), with JavaScript for the rest.
 */
import { ValueError } from './errors.js';
import { activeBackend, isBackendName, useBackend, wasmAvailable } from './kernels/index.js';

/** A compute backend: `'js'` (plain JavaScript kernels) or `'wasm'` (WebAssembly SIMD where it has kernels). */
export type Backend = 'js' | 'wasm';

/**
 * Switches the compute backend for every op from now on. The default is `'wasm'` where the engine
 * runs WebAssembly SIMD (Node 20+, current browsers) and `'js'` elsewhere; in Node the environment
 * variable `FOCALGRAD_BACKEND=js|wasm`, read once when the package loads, overrides it.
 *
 * The backends agree to rounding: float64 results to about 1e-15 relative, float32 results to
 * float32 rounding of each sum (the wasm tier accumulates float32 products in float32, the
 * JavaScript kernels in float64). Integer and mixed-dtype products always run in JavaScript.
 *
 * @param backend - `'js'` or `'wasm'`.
 * @throws {@link ValueError} for another name, or for `'wasm'` where WebAssembly SIMD is unavailable.
 * @example
 * ```ts
 * import { getBackend, matmul, randn, setBackend } from '@focalgrad/tensor';
 * const a = randn([64, 32], { seed: 0 });
 * const b = randn([32, 16], { seed: 1 });
 * setBackend('js');
 * const reference = matmul(a, b);
 * setBackend('wasm');
 * getBackend(); // 'wasm'
 * matmul(a, b).sub(reference).abs().max().item() < 1e-4; // true
 * ```
 */
export function setBackend(backend: Backend): void {
  if (!isBackendName(backend)) throw new ValueError('setBackend', 'backend', `expected 'js' or 'wasm', got ${JSON.stringify(backend)}`);
  if (backend === 'wasm' && !wasmAvailable()) {
    throw new ValueError('setBackend', 'backend', "'wasm' needs WebAssembly with SIMD128, which this engine lacks");
  }
  useBackend(backend);
}

/**
 * The compute backend in use (see {@link setBackend}).
 *
 * @example
 * ```ts
 * import { getBackend } from '@focalgrad/tensor';
 * getBackend(); // 'wasm' in Node 20 and current browsers, unless FOCALGRAD_BACKEND=js
 * ```
 */
export function getBackend(): Backend {
  return activeBackend();
}

/**
 * Feature tests for the WebAssembly tier, each by validating a tiny module (validation compiles
 * nothing, so it is cheap and allowed anywhere): SIMD128, which every kernel needs, and relaxed
 * SIMD, whose fused multiply-add the GEMM uses where present (Chromium ships it; Node 20 needs
 * `--experimental-wasm-relaxed-simd`; Safari lacks it).
 */
import { ModuleBuilder } from './emit.js';
import { wasmApi } from './runtime.js';

function validates(build: (m: ModuleBuilder) => void): boolean {
  const w = wasmApi();
  if (w === null) return false;
  const m = new ModuleBuilder();
  build(m);
  try {
    return w.validate(m.bytes());
  } catch {
    return false;
  }
}

let simd: boolean | undefined;
let relaxed: boolean | undefined;

/** Whether this engine runs WebAssembly with SIMD128 (tested once). */
export function hasSimd(): boolean {
  simd ??= validates((m) => m.func('f', ['f32'], ['v128'], (c) => c.get(0).f32x4Splat().get(0).f32x4Splat().f32x4Mul()));
  return simd;
}

/** Whether this engine has the relaxed-SIMD fused multiply-add (tested once). */
export function hasRelaxedSimd(): boolean {
  relaxed ??=
    hasSimd() &&
    validates((m) =>
      m.func('f', ['v128'], ['v128'], (c) => c.get(0).get(0).get(0).f32x4RelaxedMadd().get(0).get(0).f64x2RelaxedMadd()),
    );
  return relaxed;
}

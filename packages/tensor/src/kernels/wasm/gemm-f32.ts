/**
 * The float32 GEMM family. Tiling: a 4×8 C tile held in 8 f32x4 accumulators; per k step two
 * v128 loads of a packed 8-wide B row and, per tile row, one A element broadcast to all lanes
 * (`v128.load32_splat`) and two multiply-adds; the k loop is not unrolled. B is packed into
 * 8-wide panels and A into 4-row panels, each once per call; blocks are kc = 256 deep and
 * mc = 128 rows.
 *
 * Why this tile: V8's optimizing tier gives WebAssembly 15–16 SIMD registers and hoists a loop
 * body's loads ahead of its arithmetic, so 8 accumulators + 2 B vectors + the broadcast A values
 * fit, while 5×8, 6×8 or 4×16 tiles, or unrolling k, spill and run 25–50% slower. The broadcast
 * as one `v128.load32_splat` matters: `f32.load` + `f32x4.splat` measured 29 against 39 GFLOP/s.
 * kc = 128…512 and mc = 32…256 measured within a few percent of each other (mc = 64 about 2%
 * faster at n = 1024, within the noise of a shared machine). Accumulation is in float32, as in
 * every SIMD BLAS.
 */
import { gemmModule } from './gemm-module.js';
import type { GemmTiling } from './gemm-tiling.js';
import { hasRelaxedSimd } from './features.js';
import { compileOnce } from './runtime.js';

/** The float32 tiling. */
export const f32Tiling: GemmTiling = { elem: 'f32', mr: 4, vecs: 2, kc: 256, mc: 128 };

/** The compiled float32 GEMM module (compiled on first use), or `null` without WebAssembly. */
export const f32GemmModule = compileOnce(() => gemmModule(f32Tiling, hasRelaxedSimd()));

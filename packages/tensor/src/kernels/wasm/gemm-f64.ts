/**
 * The float64 GEMM family. Tiling: a 4×4 C tile held in 8 f64x2 accumulators (two per row); per k
 * step two v128 loads of a packed 4-wide B row and, per tile row, one A element broadcast to both
 * lanes (`v128.load64_splat`) and two multiply-adds; the k loop is not unrolled. B is packed into
 * 4-wide panels and A into 4-row panels, each once per call; blocks are kc = 256 deep and
 * mc = 128 rows (a 256 KiB block of A, which stays in L2).
 *
 * Why this tile: it is the float32 tile's register budget (8 accumulators + 2 B vectors + the
 * broadcasts, under V8's 15–16 SIMD registers) with half the lanes per vector. Measured at
 * n = 512 / 1024 (GFLOP/s): 4×4 18.5 / 15.6, 2×8 18.1 / 17.7, 3×8 16.2 / 15.3, 4×6 16.0 / 13.7,
 * and 6×4 (12 accumulators) spills to 2.8.
 */
import { gemmModule } from './gemm-module.js';
import type { GemmTiling } from './gemm-tiling.js';
import { hasRelaxedSimd } from './features.js';
import { compileOnce } from './runtime.js';

/** The float64 tiling. */
export const f64Tiling: GemmTiling = { elem: 'f64', mr: 4, vecs: 2, kc: 256, mc: 128 };

/** The compiled float64 GEMM module (compiled on first use), or `null` without WebAssembly. */
export const f64GemmModule = compileOnce(() => gemmModule(f64Tiling, hasRelaxedSimd()));

/**
 * The float64 GEMM family. Tiling: a 4×4 C tile held in 8 f64x2 accumulators (two per row); per k
 * step two v128 loads of a packed 4-wide B row and, per tile row, one A element broadcast to both
 * lanes (`v128.load64_splat`) and two multiply-adds; the k loop is not unrolled. B is packed into
 * 4-wide panels once per call, A into 4-row panels; blocks are kc = 256 deep and mc = 128 rows.
 *
 * Why this tile: it is the float32 tile's register budget (8 accumulators + 2 B vectors + the
 * broadcasts, under V8's 15–16 SIMD registers) with half the lanes per vector, and a 4-row panel
 * of A shared with the float32 packing. A 256-deep f64 block of A (128 × 256 × 8 B = 256 KiB)
 * still fits in L2.
 */
import { gemmModule, type GemmTiling } from './gemm-module.js';
import { hasRelaxedSimd } from './features.js';
import { compileOnce } from './runtime.js';

/** The float64 tiling. */
export const f64Tiling: GemmTiling = { elem: 'f64', mr: 4, vecs: 2, kc: 256, mc: 128 };

/** The compiled float64 GEMM module (compiled on first use), or `null` without WebAssembly. */
export const f64GemmModule = compileOnce(() => gemmModule(f64Tiling, hasRelaxedSimd()));

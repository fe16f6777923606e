/**
 * The parameters of a GEMM tiling, shared by the code that emits the kernel, the code that emits
 * the packing routines and the driver that lays out memory.
 */

/** A tiling of the GEMM for one element type. */
export interface GemmTiling {
  /** Lane type: `f32` (f32x4 vectors) or `f64` (f64x2 vectors). */
  readonly elem: 'f32' | 'f64';
  /** Rows of the C tile. */
  readonly mr: number;
  /** v128 vectors across a row of the C tile (the tile is `mr × vecs·lanes`). */
  readonly vecs: number;
  /** Depth of a packed block. */
  readonly kc: number;
  /** Rows of A per block. */
  readonly mc: number;
}

/** Lanes in a v128 of the given element type. */
export const lanes = (elem: 'f32' | 'f64'): number => (elem === 'f32' ? 4 : 2);
/** Columns of the C tile (`NR`). */
export const tileCols = (t: GemmTiling): number => t.vecs * lanes(t.elem);

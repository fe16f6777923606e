/**
 * General matrix multiply over typed arrays: `C = op(A) · op(B)` (or `C += ...`), where each
 * operand is addressed through a row stride and a column stride, so a transposed operand costs
 * nothing: it is read with swapped strides while being packed.
 *
 * The large-problem path follows the Goto/BLIS design: blocks of B (KC × NC) and of A (MC × KC)
 * are packed into a float64 workspace as contiguous micro-panels, and a 4×4 register-blocked
 * micro-kernel runs over them. Packing converts float32 to float64 exactly, so every product and
 * sum runs in float64: float64 tensors keep full float64 accumulation, and float32 tensors get it
 * for free (V8 computes in doubles whatever the storage). Matrix-vector shapes (`m = 1` or
 * `n = 1`) and tiny problems take direct loops, which beat packing there.
 */
import type { TypedArray } from '../dtype.js';

/** Rows of a micro-tile. */
const MR = 4;
/** Columns of a micro-tile. */
const NR = 4;
/** Lanes of a packed micro-panel: A's panels are MR rows and B's are NR columns, the same 4. */
const PANEL: typeof MR & typeof NR = 4;
/**
 * Depth of a packed block: a 4×KC micro-panel of A and one of B (16 KB each) fit in L1 together.
 * 512 rather than 256 measured the same speed and halves the float32 roundings of partial sums.
 */
const KC = 512;
/** Rows of a packed block of A (MC × KC doubles stay in L2). */
const MC = 128;
/** Columns of a packed block of B. */
const NC = 512;

/** The packing workspace, grown on demand and reused: no allocation per call. */
let ws = new Float64Array(0);
/** One micro-tile of results, written by the micro-kernel before it is stored into C. */
const tile = new Float64Array(MR * NR);
/** A float64 scratch vector for the matrix-vector paths. */
let vec = new Float64Array(0);

function workspace(n: number): Float64Array {
  if (ws.length < n) ws = new Float64Array(Math.max(n, ws.length * 2));
  return ws;
}

function scratch(n: number): Float64Array {
  if (vec.length < n) vec = new Float64Array(Math.max(n, vec.length * 2));
  return vec;
}

/**
 * @internal `C[m×n] (=|+=) A[m×k] · B[k×n]` with strided operands. `A(i, p)` is
 * `a[ao + i*ars + p*acs]`, `B(p, j)` is `b[bo + p*brs + j*bcs]`, and C is row-major with leading
 * dimension `ldc` starting at `co`. With `accumulate` the product is added to C's current values
 * (used to fuse a bias); otherwise C is overwritten. All arithmetic is float64.
 *
 * @example
 * ```ts
 * // C = Aᵀ·B for A stored k×m and B stored k×n, both row-major:
 * gemmStrided(m, n, k, a, 0, 1, m, b, 0, n, 1, c, 0, n, false);
 * ```
 */
export function gemmStrided(
  m: number,
  n: number,
  k: number,
  a: TypedArray,
  ao: number,
  ars: number,
  acs: number,
  b: TypedArray,
  bo: number,
  brs: number,
  bcs: number,
  c: TypedArray,
  co: number,
  ldc: number,
  accumulate: boolean,
): void {
  if (m === 0 || n === 0) return;
  if (k === 0) {
    if (!accumulate) for (let i = 0; i < m; i++) c.fill(0, co + i * ldc, co + i * ldc + n);
    return;
  }
  if (n === 1) {
    gemv(m, k, a, ao, ars, acs, b, bo, brs, c, co, ldc, accumulate);
    return;
  }
  if (m === 1) {
    // A row vector times B is Bᵀ times a column vector: the output is contiguous.
    gemv(n, k, b, bo, bcs, brs, a, ao, acs, c, co, 1, accumulate);
    return;
  }
  if (m * n * k <= 4096 || (m < MR && n < NR)) {
    small(m, n, k, a, ao, ars, acs, b, bo, brs, bcs, c, co, ldc, accumulate);
    return;
  }
  packed(m, n, k, a, ao, ars, acs, b, bo, brs, bcs, c, co, ldc, accumulate);
}

/**
 * @internal C[m×n] = A[m×k] · B[k×n] for contiguous row-major blocks at the given offsets (the
 * common case of {@link gemmStrided}).
 *
 * @example
 * ```ts
 * gemm(a, 0, b, 0, c, 0, m, k, n);
 * ```
 */
export function gemm(a: TypedArray, ao: number, b: TypedArray, bo: number, c: TypedArray, co: number, m: number, k: number, n: number): void {
  gemmStrided(m, n, k, a, ao, k, 1, b, bo, n, 1, c, co, n, false);
}

/** y[i*incy] (=|+=) Σ_p A(i, p) x(p): the `n = 1` (and, transposed, `m = 1`) shape. */
function gemv(
  m: number,
  k: number,
  a: TypedArray,
  ao: number,
  ars: number,
  acs: number,
  x: TypedArray,
  xo: number,
  xs: number,
  y: TypedArray,
  yo: number,
  incy: number,
  accumulate: boolean,
): void {
  if (acs === 1 || ars !== 1) {
    // Rows of A are contiguous (or neither layout is): one float64 dot product per output.
    const xv = scratch(k);
    for (let p = 0; p < k; p++) xv[p] = x[xo + p * xs]!;
    let i0 = 0;
    if (acs === 1) {
      // Four rows at a time share each load of x.
      for (; i0 + 3 < m; i0 += 4) {
        const r0 = ao + i0 * ars;
        const r1 = r0 + ars;
        const r2 = r1 + ars;
        const r3 = r2 + ars;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let p = 0; p < k; p++) {
          const xp = xv[p]!;
          s0 += a[r0 + p]! * xp;
          s1 += a[r1 + p]! * xp;
          s2 += a[r2 + p]! * xp;
          s3 += a[r3 + p]! * xp;
        }
        const yi = yo + i0 * incy;
        if (accumulate) {
          y[yi] = y[yi]! + s0;
          y[yi + incy] = y[yi + incy]! + s1;
          y[yi + 2 * incy] = y[yi + 2 * incy]! + s2;
          y[yi + 3 * incy] = y[yi + 3 * incy]! + s3;
        } else {
          y[yi] = s0;
          y[yi + incy] = s1;
          y[yi + 2 * incy] = s2;
          y[yi + 3 * incy] = s3;
        }
      }
    }
    for (let i = i0; i < m; i++) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let ai = ao + i * ars;
      let p = 0;
      if (acs === 1) {
        for (; p + 3 < k; p += 4, ai += 4) {
          s0 += a[ai]! * xv[p]!;
          s1 += a[ai + 1]! * xv[p + 1]!;
          s2 += a[ai + 2]! * xv[p + 2]!;
          s3 += a[ai + 3]! * xv[p + 3]!;
        }
      }
      for (; p < k; p++, ai += acs) s0 += a[ai]! * xv[p]!;
      const s = s0 + s1 + (s2 + s3);
      const yi = yo + i * incy;
      y[yi] = accumulate ? y[yi]! + s : s;
    }
    return;
  }
  // Columns of A are contiguous (A is a transposed view): accumulate column by column (axpy).
  const acc = scratch(m);
  acc.fill(0, 0, m);
  let p = 0;
  // Four columns per pass: a quarter of the accumulator loads and stores.
  for (; p + 3 < k; p += 4) {
    const x0 = x[xo + p * xs]!;
    const x1 = x[xo + (p + 1) * xs]!;
    const x2 = x[xo + (p + 2) * xs]!;
    const x3 = x[xo + (p + 3) * xs]!;
    const c0 = ao + p * acs;
    const c1 = c0 + acs;
    const c2 = c1 + acs;
    const c3 = c2 + acs;
    for (let i = 0; i < m; i++) acc[i] = acc[i]! + (a[c0 + i]! * x0 + a[c1 + i]! * x1 + (a[c2 + i]! * x2 + a[c3 + i]! * x3));
  }
  for (; p < k; p++) {
    const xp = x[xo + p * xs]!;
    const col = ao + p * acs;
    for (let i = 0; i < m; i++) acc[i] = acc[i]! + a[col + i]! * xp;
  }
  for (let i = 0; i < m; i++) {
    const yi = yo + i * incy;
    y[yi] = accumulate ? y[yi]! + acc[i]! : acc[i]!;
  }
}

/** Direct triple loop for tiny problems, where packing would cost more than it saves. */
function small(
  m: number,
  n: number,
  k: number,
  a: TypedArray,
  ao: number,
  ars: number,
  acs: number,
  b: TypedArray,
  bo: number,
  brs: number,
  bcs: number,
  c: TypedArray,
  co: number,
  ldc: number,
  accumulate: boolean,
): void {
  for (let i = 0; i < m; i++) {
    const arow = ao + i * ars;
    const crow = co + i * ldc;
    for (let j = 0; j < n; j++) {
      let s = 0;
      let ai = arow;
      let bi = bo + j * bcs;
      for (let p = 0; p < k; p++, ai += acs, bi += brs) s += a[ai]! * b[bi]!;
      c[crow + j] = accumulate ? c[crow + j]! + s : s;
    }
  }
}

/** The packed, blocked path: jc (NC) → pc (KC, pack B) → ic (MC, pack A) → jr → ir → micro-kernel. */
function packed(
  m: number,
  n: number,
  k: number,
  a: TypedArray,
  ao: number,
  ars: number,
  acs: number,
  b: TypedArray,
  bo: number,
  brs: number,
  bcs: number,
  c: TypedArray,
  co: number,
  ldc: number,
  accumulate: boolean,
): void {
  const kcMax = Math.min(k, KC);
  const ncMax = Math.ceil(Math.min(n, NC) / NR) * NR;
  const mcMax = Math.ceil(Math.min(m, MC) / MR) * MR;
  const aBase = kcMax * ncMax;
  const w = workspace(aBase + mcMax * kcMax);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      const add = accumulate || pc > 0;
      packPanels(w, 0, b, bo + pc * brs + jc * bcs, bcs, brs, kc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packPanels(w, aBase, a, ao + ic * ars + pc * acs, ars, acs, kc, mc);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          const bi = jr * kc;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(MR, mc - ir);
            kernel4x4(w, aBase + ir * kc, bi, kc);
            store(c, co + (ic + ir) * ldc + jc + jr, ldc, mr, nr, add);
          }
        }
      }
    }
  }
}

/**
 * Packs `count` lanes × `kc` depth of a strided operand into 4-lane micro-panels (zero-padded),
 * depth-major within a panel: the B block's columns (lane stride = its column stride) and the A
 * block's rows (lane stride = its row stride) pack the same way, because MR = NR = 4.
 */
function packPanels(w: Float64Array, wo: number, src: TypedArray, so: number, laneStride: number, depthStride: number, kc: number, count: number): void {
  let q = wo;
  for (let l0 = 0; l0 < count; l0 += PANEL) {
    const lanes = Math.min(PANEL, count - l0);
    const base = so + l0 * laneStride;
    if (lanes === PANEL) {
      if (laneStride === 1) {
        for (let p = 0, r = base; p < kc; p++, r += depthStride, q += PANEL) {
          w[q] = src[r]!;
          w[q + 1] = src[r + 1]!;
          w[q + 2] = src[r + 2]!;
          w[q + 3] = src[r + 3]!;
        }
      } else {
        for (let p = 0, r = base; p < kc; p++, r += depthStride, q += PANEL) {
          w[q] = src[r]!;
          w[q + 1] = src[r + laneStride]!;
          w[q + 2] = src[r + 2 * laneStride]!;
          w[q + 3] = src[r + 3 * laneStride]!;
        }
      }
    } else {
      for (let p = 0, r = base; p < kc; p++, r += depthStride, q += PANEL) {
        let l = 0;
        for (; l < lanes; l++) w[q + l] = src[r + l * laneStride]!;
        for (; l < PANEL; l++) w[q + l] = 0;
      }
    }
  }
}

/**
 * The 4×4 micro-kernel: 16 float64 accumulators in registers, one packed A micro-panel at `ai`
 * and one packed B micro-panel at `bi` of the same workspace (one array keeps register pressure
 * down). Writes the tile to {@link tile}.
 */
function kernel4x4(w: Float64Array, ai: number, bi: number, kc: number): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kc; p++) {
    const b0 = w[bi]!;
    const b1 = w[bi + 1]!;
    const b2 = w[bi + 2]!;
    const b3 = w[bi + 3]!;
    let x = w[ai]!;
    c00 += x * b0; c01 += x * b1; c02 += x * b2; c03 += x * b3;
    x = w[ai + 1]!;
    c10 += x * b0; c11 += x * b1; c12 += x * b2; c13 += x * b3;
    x = w[ai + 2]!;
    c20 += x * b0; c21 += x * b1; c22 += x * b2; c23 += x * b3;
    x = w[ai + 3]!;
    c30 += x * b0; c31 += x * b1; c32 += x * b2; c33 += x * b3;
    ai += 4;
    bi += 4;
  }
  const t = tile;
  t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03;
  t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
  t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23;
  t[12] = c30; t[13] = c31; t[14] = c32; t[15] = c33;
}

/** Stores (or adds) the valid mr × nr corner of {@link tile} into C. */
function store(c: TypedArray, co: number, ldc: number, mr: number, nr: number, add: boolean): void {
  const t = tile;
  for (let i = 0; i < mr; i++) {
    const r = co + i * ldc;
    const ti = i * NR;
    if (add) for (let j = 0; j < nr; j++) c[r + j] = c[r + j]! + t[ti + j]!;
    else for (let j = 0; j < nr; j++) c[r + j] = t[ti + j]!;
  }
}

/**
 * @internal The sparse softmax losses' logits path with the class axis last: contiguous rows in
 * staged, register-friendly loops (see {@link logitsRows}). Same formulas as the general kernel of
 * `sparse.ts`, with the exponentials taken relative to the target logit.
 */
import { expFast, expFast32, log1pFast32, powG } from '../fastmath.js';

/** Rows per stage of {@link logitsRows} (fewer for long rows: see {@link STAGE_ELEMS}). */
const BLOCK = 64;
/** Elements per stage when the exponentials wait in the float64 scratch (32 KiB, about L1). */
const STAGE_ELEMS = 4096;
/** Per-row scratch of the current block: S' (−1 for a row that is done), and the row factors. */
const blockSn = new Float64Array(BLOCK);
const blockF = new Float64Array(BLOCK);
const blockA = new Float64Array(BLOCK);
/** The current block's exponentials (when there is a gradient to write). */
const blockE = new Float64Array(STAGE_ELEMS);

/**
 * The logits path with the class axis last (contiguous rows), as tight loops. The exponentials are
 * taken relative to the target logit, e_j = e^{z_j − z_t}, so no max pass is needed:
 * S' = Σ_{j≠t} e_j, −log p_t = log1p(S'), 1 − p_t = S'/(1 + S'), q_j = e_j / S' — all exact and
 * cancellation-free. A row where some z_j − z_t > 600 (S' could overflow) is redone relative to its
 * max by the general kernel's formulas ({@link shiftedRow}).
 *
 * Rows are processed in blocks, stage by stage: every row's exponentials, then every row's scalars
 * (`log1p`, the modulating factor, the gradient factors), then every row's gradient. One row's
 * scalars form a long dependency chain; staged, the chains of different rows overlap in the CPU
 * instead of running one after another. The block's exponentials wait in a float64 scratch (about
 * L1-sized), so each gradient entry is rounded once and written once — and e^{z_j − z_t}, which
 * overflows float32 for gaps above 88.7, is never stored in a float32 buffer. float32 logits
 * use {@link expFast32} and {@link log1pFast32}: every quantity here is a sum or product of
 * positive terms (no cancellation), so values and gradients stay within float32 rounding of the
 * exact ones.
 */
export function logitsRows(
  ld: ArrayLike<number>,
  xd: ArrayLike<number>,
  K: number,
  rows: number,
  gS: number,
  lossOut: Float32Array | Float64Array | null,
  gradOut: Float32Array | Float64Array | null,
  gU: number | null,
  gamma: Float64Array | null,
  cw: Float64Array | null,
  ign: number | null,
): number {
  const f32 = xd instanceof Float32Array;
  const E = gradOut === null ? null : K <= STAGE_ELEMS ? blockE : new Float64Array(K);
  const B = gradOut === null ? BLOCK : Math.max(1, Math.min(BLOCK, Math.floor(STAGE_ELEMS / K)));
  const SN = blockSn;
  const F = blockF;
  const AT = blockA;
  let lossSum = 0;
  for (let r0 = 0; r0 < rows; r0 += B) {
    const R = Math.min(B, rows - r0);
    // 1. the exponentials (kept in the scratch, at q·K, when there is a gradient)
    for (let q = 0, base = r0 * K; q < R; q++, base += K) {
      const t = ld[r0 + q]!;
      SN[q] = t === ign ? -1 : rowExps(xd, base, base + t, base + K, E, base - q * K, f32);
    }
    // 2. the per-row scalars
    for (let q = 0, base = r0 * K; q < R; q++, base += K) {
      const sn = SN[q]!;
      if (sn < 0) continue; // ignored: loss 0, gradient 0
      const r = r0 + q;
      const t = ld[r]!;
      const w = cw === null ? 1 : cw[t]!;
      const g = gU !== null ? gU : gamma![t]!;
      const gr = gS;
      if (sn === 1 / 0) {
        const loss = shiftedRow(xd, base, base + K, base + t, w, g, gr, r, lossOut, gradOut);
        lossSum += f32 ? Math.fround(loss) : loss;
        SN[q] = -1; // finished
        continue;
      }
      const ce = f32 ? log1pFast32(sn) : Math.log1p(sn); // −log p_t
      const s = 1 + sn;
      const omp = sn / s; // 1 − p_t
      const mod = g === 0 ? w : g === 2 ? w * omp * omp : w * powG(omp, g);
      const loss = mod * ce;
      lossSum += f32 ? Math.fround(loss) : loss;
      if (lossOut !== null) lossOut[r] = loss;
      if (gradOut !== null) {
        // A = w (1 − p_t)^γ [γ p_t log p_t − (1 − p_t)]; ∂L/∂z = A (e_t − q)
        const A = g === 0 ? -gr * w * omp : gr * mod * (-g * ce / s - omp);
        F[q] = sn > 0 ? -A / sn : 0;
        AT[q] = A;
      }
    }
    // 3. the gradient rows
    if (E === null) continue;
    const G = gradOut!;
    for (let q = 0, base = r0 * K; q < R; q++, base += K) {
      if (SN[q]! < 0) continue;
      const f = F[q]!;
      for (let k = 0, e0 = q * K; k < K; k++) G[base + k] = E[e0 + k]! * f;
      G[base + ld[r0 + q]!] = AT[q]!;
    }
  }
  return lossSum;
}

/**
 * `S' = Σ_{j ∈ [base, end), j ≠ ti} e^{x_j − zt}` (the target left out, not subtracted: S' may be
 * far below 1), each term also written to `out[j − o]` when `out` is given ({@link expFast32} for
 * float32 logits); `Infinity` when some exponent exceeds 600 (the sum could overflow:
 * {@link logitsRows} then redoes the row relative to its max). A small function of its own, so that
 * its loops keep everything in registers.
 */
function rowExps(xd: ArrayLike<number>, base: number, ti: number, end: number, out: Float32Array | Float64Array | null, o: number, f32: boolean): number {
  const zt = xd[ti]!;
  let sn = 0;
  let over = 0;
  // two ranges: [base, ti) and (ti, end)
  for (let pass = 0, from = base, to = ti; pass < 2; pass++, from = ti + 1, to = end) {
    if (out === null) {
      if (f32) {
        for (let j = from; j < to; j++) {
          const d = xd[j]! - zt;
          if (d > 600) over = 1;
          sn += expFast32(d);
        }
      } else {
        for (let j = from; j < to; j++) {
          const d = xd[j]! - zt;
          if (d > 600) over = 1;
          sn += expFast(d);
        }
      }
    } else if (f32) {
      for (let j = from; j < to; j++) {
        const d = xd[j]! - zt;
        if (d > 600) over = 1;
        const e = expFast32(d);
        out[j - o] = e;
        sn += e;
      }
    } else {
      for (let j = from; j < to; j++) {
        const d = xd[j]! - zt;
        if (d > 600) over = 1;
        const e = expFast(d);
        out[j - o] = e;
        sn += e;
      }
    }
  }
  return over === 0 ? sn : 1 / 0;
}

/** One row of {@link logitsRows} with the exponentials taken relative to the row's max; returns its loss. */
function shiftedRow(
  xd: ArrayLike<number>,
  base: number,
  end: number,
  ti: number,
  w: number,
  g: number,
  gr: number,
  r: number,
  lossOut: Float32Array | Float64Array | null,
  gradOut: Float32Array | Float64Array | null,
): number {
  let m = -Infinity;
  for (let j = base; j < end; j++) if (xd[j]! > m) m = xd[j]!;
  let sn = 0;
  for (let j = base; j < end; j++) {
    if (j === ti) continue;
    const e = expFast(xd[j]! - m);
    if (gradOut !== null) gradOut[j] = e;
    sn += e;
  }
  const dt = xd[ti]! - m;
  const et = expFast(dt);
  const ce = Math.log1p(sn + (et - 1)) - dt;
  const s = sn + et;
  const omp = sn / s;
  const mod = w * powG(omp, g);
  const loss = mod * ce;
  if (lossOut !== null) lossOut[r] = loss;
  if (gradOut !== null) {
    const A = g === 0 ? -gr * w * omp : gr * mod * (-g * (et / s) * ce - omp);
    const f = sn > 0 ? -A / sn : 0;
    for (let j = base; j < end; j++) gradOut[j] = gradOut[j]! * f;
    gradOut[ti] = A;
  }
  return loss;
}


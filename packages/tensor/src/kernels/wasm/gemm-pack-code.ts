/**
 * The packing routines of the GEMM module, emitted as wasm functions: they rearrange an operand
 * already copied into memory as stored (one `TypedArray.set`, a memcpy) into the panel layout the
 * micro-kernel reads (`gemm-module.ts` states it). Packing here rather than in JavaScript straight
 * into wasm memory measured 3–4× faster (float32, both operands: 38 against 10 µs at n = 128,
 * 845 against 252 µs at n = 512): a JavaScript typed-array element copy costs about 1 ns on V8,
 * a memcpy 0.16 ns.
 *
 * Both take byte pointers and byte strides, so a transposed operand is packed from strided reads
 * without being materialised. The rows (A) or columns (B) that pad a panel are written as zeros.
 */
import type { Code, Local } from './code.js';
import { type GemmTiling, tileCols } from './gemm-tiling.js';

function params(c: Code, n: number): Local[] {
  return Array.from({ length: n }, (_, i) => c.param(i));
}

/** Loads one element of the tiling's type from the address on the stack. */
function loadElem(c: Code, t: GemmTiling, offset = 0): void {
  if (t.elem === 'f32') c.f32Load(offset);
  else c.f64Load(offset);
}

function storeElem(c: Code, t: GemmTiling, offset = 0): void {
  if (t.elem === 'f32') c.f32Store(offset);
  else c.f64Store(offset);
}

function zeroElem(c: Code, t: GemmTiling): void {
  if (t.elem === 'f32') c.f32Const(0);
  else c.f64Const(0);
}

/** `lhs = min(lhs, rhs)` for i32 locals. */
function minInto(c: Code, lhs: Local, rhs: Local): void {
  c.get(lhs).get(rhs).get(lhs).get(rhs).i32LtS().select().set(lhs);
}

/**
 * `packA(src, rs, cs, m, k, dst)`: A(i, p) at `src + i·rs + p·cs` (`m × k`, `m, k ≥ 1`) into
 * MR-row panels at `dst`, block by block of depth KC.
 */
export function emitPackA(c: Code, t: GemmTiling): void {
  const [src, rs, cs, m, k, dst] = params(c, 6) as [Local, Local, Local, Local, Local, Local];
  const es = t.elem === 'f32' ? 4 : 8;
  const pc = c.local('i32');
  const kc = c.local('i32');
  const kcMax = c.local('i32');
  const i0 = c.local('i32');
  const rows = c.local('i32');
  const p = c.local('i32');
  const s = c.local('i32');
  const r = c.local('i32');
  const from = c.local('i32');
  const to = c.local('i32');

  c.i32Const(t.kc).set(kcMax);
  c.i32Const(0).set(pc);
  c.loop((pcLoop) => {
    c.get(k).get(pc).i32Sub().set(kc);
    minInto(c, kc, kcMax);
    c.i32Const(0).set(i0);
    c.loop((panelLoop) => {
      c.get(m).get(i0).i32Sub().set(rows);
      c.get(src).get(i0).get(rs).i32Mul().i32Add().get(pc).get(cs).i32Mul().i32Add().set(s);
      c.i32Const(0).set(p);
      c.get(rows).i32Const(t.mr).i32GeS().if(
        () => {
          // A full panel: MR elements of one column of A per k step.
          c.loop((kLoop) => {
            c.get(s).set(from);
            for (let row = 0; row < t.mr; row++) {
              c.get(dst).get(from);
              loadElem(c, t);
              storeElem(c, t, row * es);
              if (row + 1 < t.mr) c.get(from).get(rs).i32Add().set(from);
            }
            c.get(s).get(cs).i32Add().set(s);
            c.get(dst).i32Const(t.mr * es).i32Add().set(dst);
            c.get(p).i32Const(1).i32Add().tee(p).get(kc).i32LtS().brIf(kLoop);
          });
        },
        () => {
          // The last, partial panel: zeros, then the rows that exist.
          c.loop((kLoop) => {
            for (let row = 0; row < t.mr; row++) {
              c.get(dst);
              zeroElem(c, t);
              storeElem(c, t, row * es);
            }
            c.get(s).set(from);
            c.get(dst).set(to);
            c.i32Const(0).set(r);
            c.loop((rowLoop) => {
              c.get(to).get(from);
              loadElem(c, t);
              storeElem(c, t);
              c.get(from).get(rs).i32Add().set(from);
              c.get(to).i32Const(es).i32Add().set(to);
              c.get(r).i32Const(1).i32Add().tee(r).get(rows).i32LtS().brIf(rowLoop);
            });
            c.get(s).get(cs).i32Add().set(s);
            c.get(dst).i32Const(t.mr * es).i32Add().set(dst);
            c.get(p).i32Const(1).i32Add().tee(p).get(kc).i32LtS().brIf(kLoop);
          });
        },
      );
      c.get(i0).i32Const(t.mr).i32Add().tee(i0).get(m).i32LtS().brIf(panelLoop);
    });
    c.get(pc).get(kcMax).i32Add().tee(pc).get(k).i32LtS().brIf(pcLoop);
  });
}

/**
 * `packB(src, rs, cs, k, n, dst)`: B(p, j) at `src + p·rs + j·cs` (`k × n`, `k, n ≥ 1`) into
 * NR-column panels at `dst`, block by block of depth KC. A full panel of a row-major B (`cs` one
 * element) moves with v128 loads and stores; other panels walk down their columns, which reads a
 * transposed B along its stored rows.
 */
export function emitPackB(c: Code, t: GemmTiling): void {
  const [src, rs, cs, k, n, dst] = params(c, 6) as [Local, Local, Local, Local, Local, Local];
  const es = t.elem === 'f32' ? 4 : 8;
  const nr = tileCols(t);
  const pc = c.local('i32');
  const kc = c.local('i32');
  const kcMax = c.local('i32');
  const j0 = c.local('i32');
  const cols = c.local('i32');
  const p = c.local('i32');
  const s = c.local('i32');
  const j = c.local('i32');
  const from = c.local('i32');
  const to = c.local('i32');

  c.i32Const(t.kc).set(kcMax);
  c.i32Const(0).set(pc);
  c.loop((pcLoop) => {
    c.get(k).get(pc).i32Sub().set(kc);
    minInto(c, kc, kcMax);
    c.i32Const(0).set(j0);
    c.loop((panelLoop) => {
      c.get(n).get(j0).i32Sub().set(cols);
      c.get(src).get(pc).get(rs).i32Mul().i32Add().get(j0).get(cs).i32Mul().i32Add().set(s);
      c.get(cols).i32Const(nr).i32GeS().get(cs).i32Const(es).i32Eq().i32And().if(
        () => {
          c.i32Const(0).set(p);
          c.loop((kLoop) => {
            for (let v = 0; v < t.vecs; v++) c.get(dst).get(s).v128Load(16 * v, 0).v128Store(16 * v);
            c.get(s).get(rs).i32Add().set(s);
            c.get(dst).i32Const(nr * es).i32Add().set(dst);
            c.get(p).i32Const(1).i32Add().tee(p).get(kc).i32LtS().brIf(kLoop);
          });
        },
        () => {
          // Zero the panel, then copy the columns that exist, each down its k steps.
          c.get(dst).set(to);
          c.i32Const(0).set(p);
          c.loop((kLoop) => {
            for (let v = 0; v < t.vecs; v++) c.get(to).v128Const().v128Store(16 * v);
            c.get(to).i32Const(nr * es).i32Add().set(to);
            c.get(p).i32Const(1).i32Add().tee(p).get(kc).i32LtS().brIf(kLoop);
          });
          c.i32Const(0).set(j);
          c.loop((colLoop) => {
            c.get(s).get(j).get(cs).i32Mul().i32Add().set(from);
            c.get(dst).get(j).i32Const(es).i32Mul().i32Add().set(to);
            c.i32Const(0).set(p);
            c.loop((kLoop) => {
              c.get(to).get(from);
              loadElem(c, t);
              storeElem(c, t);
              c.get(from).get(rs).i32Add().set(from);
              c.get(to).i32Const(nr * es).i32Add().set(to);
              c.get(p).i32Const(1).i32Add().tee(p).get(kc).i32LtS().brIf(kLoop);
            });
            c.get(j).i32Const(1).i32Add().tee(j).get(cols).i32LtS().get(j).i32Const(nr).i32LtS().i32And().brIf(colLoop);
          });
          c.get(dst).get(kc).i32Const(nr * es).i32Mul().i32Add().set(dst);
        },
      );
      c.get(j0).i32Const(nr).i32Add().tee(j0).get(n).i32LtS().brIf(panelLoop);
    });
    c.get(pc).get(kcMax).i32Add().tee(pc).get(k).i32LtS().brIf(pcLoop);
  });
}

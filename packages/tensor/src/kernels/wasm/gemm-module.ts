/**
 * The GEMM module both float families are emitted from: a register-tiled micro-kernel, the
 * blocked loops around it, and the routines that pack the operands (`gemm-pack-code.ts`). The
 * tile shape, lane type and block sizes come from a {@link GemmTiling}; each family's file states
 * its tiling and why (`gemm-tiling.ts` defines the parameters).
 *
 * Memory layout (element offsets; `ES` bytes per element):
 * - A packed as `MR`-row panels, block by block of depth `KC`: element `(i, p)` of the block that
 *   starts at depth `pc` (depth `kc`) is at `pc·mPad + ⌊i/MR⌋·MR·kc + (p − pc)·MR + i mod MR`;
 * - B packed as `NR`-column panels the same way: `(p, j)` at `pc·nPad + ⌊j/NR⌋·NR·kc + (p − pc)·NR + j mod NR`;
 * - C row-major `mPad × nPad`, padded to whole tiles so that every tile is stored whole (the
 *   caller copies out only the `m × n` corner). Padding rows and columns of A and B are zeros.
 *
 * The export `gemm(a, b, c, mPad, nPad, k, load)` (byte pointers, `k ≥ 1`) computes
 * `C = A·B`, or `C += A·B` when `load` is 1; `packA` and `packB` (gemm-pack-code.ts) build the
 * packed operands from copies of the stored ones. The loops run kc-block → mc-block of rows →
 * NR-column panel of B (which stays in L1 across the row panels) → MR-row panel of A → tile.
 */
import type { Code, Local } from './code.js';
import { ModuleBuilder } from './emit.js';
import { emitPackA, emitPackB } from './gemm-pack-code.js';
import { type GemmTiling, tileCols } from './gemm-tiling.js';

/**
 * The module's binary encoding; it imports its memory as `env.memory`. With `relaxed` the
 * multiply-adds are relaxed SIMD's `relaxed_madd` (only where `hasRelaxedSimd()` said yes).
 */
export function gemmModule(t: GemmTiling, relaxed: boolean): Uint8Array {
  // Row blocks must start on panel boundaries.
  if (t.mc % t.mr !== 0) throw new RangeError(`gemmModule: mc (${t.mc}) must be a multiple of mr (${t.mr})`);
  const m = new ModuleBuilder().importMemory('env', 'memory');
  const micro = m.func(null, ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], [], (c) => microKernel(c, t, relaxed));
  m.func('gemm', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'], [], (c) => blockLoops(c, t, micro));
  m.func('packA', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], [], (c) => emitPackA(c, t));
  m.func('packB', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], [], (c) => emitPackB(c, t));
  return m.bytes();
}

/**
 * `micro(a, b, c, kc, ldc, load)`: one `mr × NR` tile of C (at byte pointer `c`, row pitch `ldc`
 * bytes) from an A panel and a B panel of depth `kc ≥ 1`, accumulated in `mr·vecs` v128 registers.
 * Per k step: `vecs` loads of the B row, then per row of the tile one broadcast A element and
 * `vecs` multiply-adds. The k loop is not unrolled: unrolled, V8 hoists the extra loads and spills.
 */
function microKernel(c: Code, t: GemmTiling, relaxed: boolean): void {
  const [a, b, cp, kc, ldc, load] = [0, 1, 2, 3, 4, 5].map((i) => c.param(i)) as [Local, Local, Local, Local, Local, Local];
  const es = t.elem === 'f32' ? 4 : 8;
  const acc: Local[][] = [];
  for (let i = 0; i < t.mr; i++) acc.push(Array.from({ length: t.vecs }, () => c.local('v128')));
  const bv = Array.from({ length: t.vecs }, () => c.local('v128'));
  const av = c.local('v128');
  const row = c.local('i32');

  // Start from C (accumulating) or from zero.
  c.get(load).if(
    () => {
      c.get(cp).set(row);
      for (let i = 0; i < t.mr; i++) {
        for (let v = 0; v < t.vecs; v++) c.get(row).v128Load(16 * v).set(acc[i]![v]!);
        if (i + 1 < t.mr) c.get(row).get(ldc).i32Add().set(row);
      }
    },
    () => {
      for (let i = 0; i < t.mr; i++) for (let v = 0; v < t.vecs; v++) c.v128Const().set(acc[i]![v]!);
    },
  );

  c.loop((top) => {
    for (let v = 0; v < t.vecs; v++) c.get(b).v128Load(16 * v).set(bv[v]!);
    for (let i = 0; i < t.mr; i++) {
      if (t.elem === 'f32') c.get(a).v128Load32Splat(es * i).set(av);
      else c.get(a).v128Load64Splat(es * i).set(av);
      for (let v = 0; v < t.vecs; v++) {
        if (relaxed) {
          c.get(av).get(bv[v]!).get(acc[i]![v]!);
          if (t.elem === 'f32') c.f32x4RelaxedMadd();
          else c.f64x2RelaxedMadd();
        } else {
          c.get(acc[i]![v]!).get(av).get(bv[v]!);
          if (t.elem === 'f32') c.f32x4Mul().f32x4Add();
          else c.f64x2Mul().f64x2Add();
        }
        c.set(acc[i]![v]!);
      }
    }
    c.get(a).i32Const(es * t.mr).i32Add().set(a);
    c.get(b).i32Const(16 * t.vecs).i32Add().set(b);
    c.get(kc).i32Const(1).i32Sub().tee(kc).brIf(top);
  });

  c.get(cp).set(row);
  for (let i = 0; i < t.mr; i++) {
    for (let v = 0; v < t.vecs; v++) c.get(row).get(acc[i]![v]!).v128Store(16 * v);
    if (i + 1 < t.mr) c.get(row).get(ldc).i32Add().set(row);
  }
}

/** `gemm(a, b, c, mPad, nPad, k, load)`: the kc → mc → NR panel → MR panel loops around `micro`. */
function blockLoops(c: Code, t: GemmTiling, micro: number): void {
  const [a, b, cp, mPad, nPad, k, load] = [0, 1, 2, 3, 4, 5, 6].map((i) => c.param(i)) as [Local, Local, Local, Local, Local, Local, Local];
  const es = t.elem === 'f32' ? 4 : 8;
  const nr = tileCols(t);
  const pc = c.local('i32');
  const kc = c.local('i32');
  const aBlock = c.local('i32');
  const bBlock = c.local('i32');
  const add = c.local('i32');
  const ic = c.local('i32');
  const icEnd = c.local('i32');
  const jr = c.local('i32');
  const bPanel = c.local('i32');
  const ir = c.local('i32');
  const ldc = c.local('i32');

  c.get(nPad).i32Const(es).i32Mul().set(ldc);
  c.i32Const(0).set(pc);
  c.loop((pcLoop) => {
    // kc = min(k − pc, KC)
    c.get(k).get(pc).i32Sub().set(kc);
    c.get(kc).i32Const(t.kc).get(kc).i32Const(t.kc).i32LtS().select().set(kc);
    c.get(a).get(pc).get(mPad).i32Mul().i32Const(es).i32Mul().i32Add().set(aBlock);
    c.get(b).get(pc).get(nPad).i32Mul().i32Const(es).i32Mul().i32Add().set(bBlock);
    // Later k blocks add onto the partial sums of the earlier ones.
    c.get(load).get(pc).i32Const(0).i32Ne().i32Or().set(add);
    c.i32Const(0).set(ic);
    c.loop((icLoop) => {
      // icEnd = min(ic + MC, mPad)
      c.get(ic).i32Const(t.mc).i32Add().set(icEnd);
      c.get(icEnd).get(mPad).get(icEnd).get(mPad).i32LtS().select().set(icEnd);
      c.i32Const(0).set(jr);
      c.loop((jrLoop) => {
        c.get(bBlock).get(jr).get(kc).i32Mul().i32Const(es).i32Mul().i32Add().set(bPanel);
        c.get(ic).set(ir);
        c.loop((irLoop) => {
          c.get(aBlock).get(ir).get(kc).i32Mul().i32Const(es).i32Mul().i32Add();
          c.get(bPanel);
          c.get(cp).get(ir).get(nPad).i32Mul().get(jr).i32Add().i32Const(es).i32Mul().i32Add();
          c.get(kc).get(ldc).get(add).call(micro);
          c.get(ir).i32Const(t.mr).i32Add().tee(ir).get(icEnd).i32LtS().brIf(irLoop);
        });
        c.get(jr).i32Const(nr).i32Add().tee(jr).get(nPad).i32LtS().brIf(jrLoop);
      });
      c.get(ic).i32Const(t.mc).i32Add().tee(ic).get(mPad).i32LtS().brIf(icLoop);
    });
    c.get(pc).i32Const(t.kc).i32Add().tee(pc).get(k).i32LtS().brIf(pcLoop);
  });
}

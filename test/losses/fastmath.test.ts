/** The table-driven exp and log1p of the fused loss kernels against Math.exp / Math.log1p. */
import { describe, expect, it } from 'vitest';
import { Rng } from '@focalgrad/tensor';
import { expFast, expFast32, log1pFast32, log1pUnit, log1pUnit32 } from '../../packages/losses/src/kernels/fastmath.js';

/** The distance in units in the last place of `b` (a normal double). */
function ulps(a: number, b: number): number {
  if (a === b) return 0;
  const unit = b === 0 ? Number.MIN_VALUE : 2 ** (Math.floor(Math.log2(Math.abs(b))) - 52);
  return Math.abs(a - b) / Math.max(unit, Number.MIN_VALUE);
}

describe('expFast', () => {
  it('is within 2 ulp of Math.exp on [-708, 0] (the logit kernels: exp(-|x|))', () => {
    const rng = new Rng(1);
    let worst = 0;
    for (let i = 0; i < 300_000; i++) {
      const x = -(i % 3 === 0 ? 40 * rng.uniform() : i % 3 === 1 ? 708 * rng.uniform() : 1e-3 * rng.uniform());
      worst = Math.max(worst, ulps(expFast(x), Math.exp(x)));
    }
    expect(worst).toBeLessThanOrEqual(2);
  });
  it('is within 2 ulp of Math.exp on [0, 709] (the softmax kernels: exp(z_j - z_t) may be large)', () => {
    const rng = new Rng(3);
    let worst = 0;
    for (let i = 0; i < 300_000; i++) {
      const x = i % 3 === 0 ? 40 * rng.uniform() : i % 3 === 1 ? 709 * rng.uniform() : 1e-3 * rng.uniform();
      worst = Math.max(worst, ulps(expFast(x), Math.exp(x)));
    }
    expect(worst).toBeLessThanOrEqual(2);
  });
  it('is within 2 ulp at the rounding boundaries of its table index (x near (k + 1/2)·ln2/256)', () => {
    let worst = 0;
    for (let k = -181_000; k <= 181_000; k += 7) {
      const mid = ((k + 0.5) * Math.LN2) / 256;
      for (const x of [mid, mid * (1 + 1e-16), mid * (1 - 1e-16)]) worst = Math.max(worst, ulps(expFast(x), Math.exp(x)));
    }
    expect(worst).toBeLessThanOrEqual(2);
  });
  it('special values: 0, underflow, subnormals, overflow, infinities, NaN', () => {
    expect(expFast(0)).toBe(1);
    expect(expFast(-0)).toBe(1);
    expect(expFast(-745.2)).toBe(0);
    expect(expFast(-1e4)).toBe(0);
    expect(expFast(-Infinity)).toBe(0);
    expect(expFast(NaN)).toBeNaN();
    expect(expFast(-740)).toBe(Math.exp(-740)); // subnormal result
    expect(expFast(-708.5)).toBe(Math.exp(-708.5));
    expect(expFast(709.7)).toBe(Math.exp(709.7));
    expect(expFast(710)).toBe(Infinity);
    expect(expFast(Infinity)).toBe(Infinity);
    expect(expFast(1)).toBe(Math.E);
  });
});

describe('log1pUnit', () => {
  it('is within 2 ulp of Math.log1p on [0, 1], including tiny arguments', () => {
    const rng = new Rng(2);
    let worst = 0;
    for (let i = 0; i < 300_000; i++) {
      const e = i % 2 ? rng.uniform() : Math.exp(-60 * rng.uniform());
      worst = Math.max(worst, ulps(log1pUnit(e), Math.log1p(e)));
    }
    expect(worst).toBeLessThanOrEqual(2);
  });
  it('is within 2 ulp at and next to every table point i/128', () => {
    let worst = 0;
    for (let i = 0; i <= 128; i++) {
      for (const e of [i / 128, (i / 128) * (1 - 2 ** -52), (i / 128) * (1 + 2 ** -52)]) {
        if (e > 1) continue;
        worst = Math.max(worst, ulps(log1pUnit(e), Math.log1p(e)));
      }
    }
    expect(worst).toBeLessThanOrEqual(2);
  });
  it('special values (0, 1, subnormal, out of range, NaN)', () => {
    expect(log1pUnit(0)).toBe(0);
    expect(log1pUnit(1)).toBe(Math.LN2);
    expect(log1pUnit(5e-324)).toBe(5e-324);
    expect(log1pUnit(1e-300)).toBe(1e-300);
    expect(log1pUnit(NaN)).toBeNaN();
    expect(log1pUnit(-1e-3)).toBeNaN();
    expect(log1pUnit(1.5)).toBeNaN();
  });
});

/** Relative error of `a` against `b` (0 when equal). */
function rel(a: number, b: number): number {
  return a === b ? 0 : Math.abs(a - b) / Math.abs(b);
}

describe('float32-accurate variants (expFast32, log1pUnit32)', () => {
  it('expFast32 is within 5e-10 relative of Math.exp on [-708, 709]', () => {
    const rng = new Rng(4);
    let worst = 0;
    for (let i = 0; i < 300_000; i++) {
      const x = i % 3 === 0 ? -40 * rng.uniform() : i % 3 === 1 ? 1417 * rng.uniform() - 708 : 2e-3 * rng.uniform() - 1e-3;
      worst = Math.max(worst, rel(expFast32(x), Math.exp(x)));
    }
    expect(worst).toBeLessThan(5e-10);
  });
  it('log1pUnit32 is within 1e-9 relative of Math.log1p on [0, 1], including tiny arguments', () => {
    const rng = new Rng(5);
    let worst = 0;
    for (let i = 0; i < 300_000; i++) {
      const e = i % 2 ? rng.uniform() : Math.exp(-60 * rng.uniform());
      worst = Math.max(worst, rel(log1pUnit32(e), Math.log1p(e)));
    }
    expect(worst).toBeLessThan(1e-9);
  });
  it('both round to the float32 rounding of the exact value, or its neighbour', () => {
    const rng = new Rng(6);
    for (let i = 0; i < 100_000; i++) {
      const x = Math.fround(-30 * rng.uniform());
      const e32 = Math.fround(expFast32(x));
      const ex = Math.fround(Math.exp(x));
      expect(Math.abs(e32 - ex)).toBeLessThanOrEqual(ulp32(ex));
      const l32 = Math.fround(log1pUnit32(Math.exp(x)));
      const lx = Math.fround(Math.log1p(Math.exp(x)));
      expect(Math.abs(l32 - lx)).toBeLessThanOrEqual(ulp32(lx));
    }
  });
  it('log1pFast32 is within 1e-9 relative of Math.log1p on [0, 1e300]', () => {
    const rng = new Rng(7);
    let worst = 0;
    for (let i = 0; i < 300_000; i++) {
      const x = i % 3 === 0 ? rng.uniform() : i % 3 === 1 ? Math.exp(700 * rng.uniform()) : 1 + 3 * rng.uniform();
      worst = Math.max(worst, rel(log1pFast32(x), Math.log1p(x)));
    }
    for (let k = -3; k < 1000; k++) {
      for (const x of [2 ** k, 2 ** k * (1 - 2 ** -52), 2 ** k * (1 + 2 ** -52), 2 ** k - 1]) if (x >= 0) worst = Math.max(worst, rel(log1pFast32(x), Math.log1p(x)));
    }
    expect(worst).toBeLessThan(1e-9);
    expect(log1pFast32(0)).toBe(0);
    expect(log1pFast32(Infinity)).toBe(Infinity);
    expect(log1pFast32(1e305)).toBe(Math.log1p(1e305));
    expect(log1pFast32(NaN)).toBeNaN();
    expect(log1pFast32(-0.5)).toBeNaN();
  });
  it('special values match the full-precision functions', () => {
    for (const x of [0, -0, -745.2, -1e4, -Infinity, NaN, -740, 709.7, 710, Infinity]) expect(expFast32(x)).toBe(expFast(x));
    for (const e of [0, 1, 5e-324, NaN, -1e-3, 1.5]) expect(log1pUnit32(e)).toBe(log1pUnit(e));
  });
});

/** The spacing of float32 values at `v` (a float32 value). */
function ulp32(v: number): number {
  const a = Math.abs(v);
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

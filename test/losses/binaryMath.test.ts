/** The table-driven exp and log1p of the binary logit kernels against Math.exp / Math.log1p. */
import { describe, expect, it } from 'vitest';
import { Rng } from '@focalgrad/tensor';
import { expNonPos, log1pUnit } from '../../packages/losses/src/kernels/binaryMath.js';

/** The distance in units in the last place of `b`. */
function ulps(a: number, b: number): number {
  if (a === b) return 0;
  const unit = b === 0 ? Number.MIN_VALUE : 2 ** (Math.floor(Math.log2(Math.abs(b))) - 52);
  return Math.abs(a - b) / Math.max(unit, Number.MIN_VALUE);
}

describe('table-driven exp(x <= 0) and log1p(e ∈ [0, 1])', () => {
  it('exp is within 2 ulp of Math.exp on [-745, 0] (normal results)', () => {
    const rng = new Rng(1);
    let worst = 0;
    for (let i = 0; i < 300_000; i++) {
      const x = -(i % 3 === 0 ? 40 * rng.uniform() : i % 3 === 1 ? 708 * rng.uniform() : 1e-3 * rng.uniform());
      worst = Math.max(worst, ulps(expNonPos(x), Math.exp(x)));
    }
    expect(worst).toBeLessThanOrEqual(2);
  });
  it('exp: special values (0, underflow, subnormals, -Infinity, NaN)', () => {
    expect(expNonPos(0)).toBe(1);
    expect(expNonPos(-0)).toBe(1);
    expect(expNonPos(-745.2)).toBe(0);
    expect(expNonPos(-1e4)).toBe(0);
    expect(expNonPos(-Infinity)).toBe(0);
    expect(expNonPos(NaN)).toBeNaN();
    expect(Math.abs(expNonPos(-740) - Math.exp(-740)) / Math.exp(-740)).toBeLessThan(1e-12);
  });
  it('log1p is within 2 ulp of Math.log1p on [0, 1], including tiny arguments', () => {
    const rng = new Rng(2);
    let worst = 0;
    for (let i = 0; i < 300_000; i++) {
      const e = i % 2 ? rng.uniform() : Math.exp(-60 * rng.uniform());
      worst = Math.max(worst, ulps(log1pUnit(e), Math.log1p(e)));
    }
    expect(worst).toBeLessThanOrEqual(2);
  });
  it('log1p: special values (0, 1, subnormal, NaN)', () => {
    expect(log1pUnit(0)).toBe(0);
    expect(log1pUnit(1)).toBe(Math.LN2);
    expect(log1pUnit(5e-324)).toBe(5e-324);
    expect(log1pUnit(1e-300)).toBe(1e-300);
    expect(log1pUnit(NaN)).toBeNaN();
  });
});

// gradcheck's modes for the tails: relative error only, a fourth-order reference, and float32
// evaluation against float64 finite differences. Each catches a bug the default check passes.
import { describe, expect, it } from 'vitest';
import { Tensor, defineOp, gradcheck, mul, neg, sigmoid, sub, tensor, where, abs, less } from '@focalgrad/tensor';

/** sigmoid whose backward wrongly returns 0 where |x| > 11 (a lost tail, as a clipped kernel would). */
const lostTail = defineOp<void>({
  name: 'lostTailSigmoid',
  forward: ([x]) => sigmoid(x!),
  backward: (g, { inputs: [x], output }) => [where(less(abs(x!), 11), mul(g, mul(output, sub(1, output))), 0)],
});

/** sigmoid with the backward σ(1 − σ): fine in float64, 0 in float32 once σ rounds to 1. */
const cancelling = defineOp<void>({
  name: 'cancellingSigmoid',
  forward: ([x]) => sigmoid(x!),
  backward: (g, { output }) => [mul(g, mul(output, sub(1, output)))],
});
/** The stable form σ(x)·σ(−x). */
const stable = defineOp<void>({
  name: 'stableSigmoid',
  forward: ([x]) => sigmoid(x!),
  backward: (g, { inputs: [x], output }) => [mul(g, mul(output, sigmoid(neg(x!))))],
});

describe('gradcheck modes', () => {
  const tail = tensor([12, 13, 14, 15], { dtype: 'float64' });

  it('the default mixed tolerance misses a zeroed tail; relative + fivePoint catches it', () => {
    const f = (x: Tensor) => lostTail([x]);
    expect(gradcheck(f, [tail]).ok).toBe(true); // σ'(12) = 6e-6 < atol: invisible
    const r = gradcheck(f, [tail], { relative: true, reference: 'fivePoint', eps: 1e-3, rtol: 1e-6 });
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/relative, atol 1e-12, rtol 0.000001/);
    // A correct sigmoid passes the same strict check.
    expect(gradcheck((x: Tensor) => sigmoid(x), [tail], { relative: true, reference: 'fivePoint', eps: 1e-3, rtol: 1e-6 }).ok).toBe(true);
  });

  it('evalDtype float32 finds a float32-only cancellation that float64 checks pass', () => {
    const x = tensor([2, 18, 20], { dtype: 'float64' });
    const opts = { relative: true, reference: 'fivePoint', eps: 1e-3, rtol: 1e-3 } as const;
    expect(gradcheck((x: Tensor) => cancelling([x]), [x], opts).ok).toBe(true);
    expect(gradcheck((x: Tensor) => cancelling([x]), [x], { ...opts, evalDtype: 'float32' }).ok).toBe(false);
    expect(gradcheck((x: Tensor) => stable([x]), [x], { ...opts, evalDtype: 'float32' }).ok).toBe(true);
  });

  it('fivePoint is more accurate than central where curvature is large', () => {
    const x = tensor([0.3], { dtype: 'float64' });
    const f = (x: Tensor) => x.mul(8).exp();
    const central = gradcheck(f, [x], { eps: 1e-3 });
    const five = gradcheck(f, [x], { eps: 1e-3, reference: 'fivePoint' });
    expect(five.maxAbsError).toBeLessThan(central.maxAbsError / 100);
  });
});

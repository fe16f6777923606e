/**
 * The fast paths of the integer-label softmax losses give the same numbers as the plain ones:
 * - the loss classes fuse the Keras reduction into the op when there is no sample weight: the
 *   same value, rounded the same way (bit for bit), and the same gradient as the per-sample op
 *   followed by the generic reduction up to rounding (the fused op applies `1/n` inside the row
 *   factors, the generic path to them);
 * - with the reduction fused, the forward leaves the finished gradient as the `defineOp` residual
 *   (no pass in the backward for `loss.backward()`); recomputed, it is bit-identical;
 * - the tight logits kernel works on blocks of rows, stage by stage: a row's numbers do not depend
 *   on the rows around it (ignored rows, rows relative to their max for logit gaps above 600);
 * - float32 logits (float32-accurate exp and log1p): values and gradients within float32 rounding
 *   of the exact ones (one float32 ulp), also for class gaps above 88.7, where e^{z_j − z_t}
 *   overflows float32 (it used to be stored in the float32 gradient buffer: an infinite gradient).
 */
import { describe, expect, it } from 'vitest';
import { Rng, Tensor, tensor, vjp, type DType } from '@focalgrad/tensor';
import {
  SparseCategoricalCrossentropy,
  SparseCategoricalFocalLoss,
  reduceWeightedValues,
  sparseCategoricalCrossentropy,
  sparseCategoricalFocalLoss,
  type Loss,
  type Reduction,
} from '@focalgrad/losses';
import { randLabels, randLogits, randPositive, ulp32 } from './harness.js';

function cast(x: Tensor, dtype: DType): Tensor {
  return tensor(Array.from(x.data), { dtype }).reshape(x.shape.slice());
}

function gradOf(f: (p: Tensor) => Tensor, x: Tensor, ct?: number): { value: number[]; grad: number[] } {
  const [out, back] = vjp(f, x);
  const seed = new Tensor(out.dtype === 'float64' ? new Float64Array(out.size).fill(ct ?? 1) : new Float32Array(out.size).fill(ct ?? 1), out.shape);
  return { value: Array.from(out.data), grad: Array.from(back(seed)[0]!.data) };
}

describe('the classes fuse the reduction: the generic path’s value, bit for bit', () => {
  const classes: [string, () => Loss, boolean][] = [
    ['SparseCategoricalFocalLoss logits', () => new SparseCategoricalFocalLoss({ gamma: 2, classWeight: [0.25, 0.5, 1, 2, 0.75], fromLogits: true }), true],
    ['SparseCategoricalFocalLoss probabilities, per-class γ', () => new SparseCategoricalFocalLoss({ gamma: [0, 0.5, 2, 3, 1] }), false],
    ['SparseCategoricalCrossentropy logits', () => new SparseCategoricalCrossentropy({ fromLogits: true }), true],
    ['SparseCategoricalCrossentropy probabilities', () => new SparseCategoricalCrossentropy(), false],
    ['SparseCategoricalFocalLoss logits, class axis 1', () => new SparseCategoricalFocalLoss({ gamma: 2, fromLogits: true, axis: 1 }), true],
  ];
  for (const dtype of ['float32', 'float64'] as DType[]) {
    for (const reduction of ['sum_over_batch_size', 'sum', 'mean', 'mean_with_sample_weight', 'none'] as const) {
      for (const [name, make, fromLogits] of classes) {
        it(`${name}, ${reduction}, ${dtype}`, () => {
          const rng = new Rng(91);
          const axis1 = name.includes('axis 1');
          const shape = axis1 ? [7, 5, 3] : [70, 5]; // 70 rows: more than one block of the logits kernel
          const x = cast(fromLogits ? randLogits(rng, shape, 3) : randPositive(rng, shape), dtype);
          const y = randLabels(rng, axis1 ? [7, 3] : [70], 5);
          const loss = make();
          Object.assign(loss, { reduction });
          const fused = gradOf((p) => loss.call(y, p), x);
          const generic = gradOf((p) => reduceWeightedValues(loss.compute(y, p), loss.reduction as Reduction), x);
          expect(fused.value).toEqual(generic.value);
          const ulp = (v: number) => (dtype === 'float64' ? Math.abs(v) * 2 ** -52 : ulp32(v));
          fused.grad.forEach((g, i) => expect(Math.abs(g - generic.grad[i]!), `grad ${i}`).toBeLessThanOrEqual(2 * ulp(generic.grad[i]!)));
        });
      }
    }
  }
});

describe('fused reduction: the residual is the finished gradient; recomputed, the same numbers', () => {
  for (const dtype of ['float32', 'float64'] as DType[]) {
    for (const fromLogits of [true, false]) {
      it(`${dtype}, fromLogits=${fromLogits}: unit and varied upstream`, () => {
        const rng = new Rng(92);
        const x = cast(fromLogits ? randLogits(rng, [70, 6]) : randPositive(rng, [70, 6]), dtype);
        const y = randLabels(rng, [70], 6);
        const loss = new SparseCategoricalFocalLoss({ gamma: 2, fromLogits });
        for (const ct of [1, 0.75]) {
          const [out, back] = vjp((p: Tensor) => loss.call(y, p), x);
          expect(out.node!.saved).toBeDefined();
          const seed = new Tensor(dtype === 'float64' ? Float64Array.of(ct) : Float32Array.of(ct), []);
          const kept = Array.from(back(seed)[0]!.data);
          expect(out.node!.saved).toBeUndefined();
          const recomputed = Array.from(back(seed)[0]!.data);
          expect(kept).toEqual(recomputed);
        }
      });
    }
  }
});

describe('the blocked logits kernel: each row independent of its neighbours', () => {
  for (const dtype of ['float32', 'float64'] as DType[]) {
    for (const [name, f] of [
      ['focal γ=2, class weights, ignored rows', (y: Tensor, p: Tensor) => sparseCategoricalFocalLoss(y, p, { gamma: 2, classWeight: [1, 2, 0.5, 1, 3, 1, 1], fromLogits: true, ignoreClass: -1 })],
      ['focal per-class γ', (y: Tensor, p: Tensor) => sparseCategoricalFocalLoss(y, p, { gamma: [0, 0.5, 1, 2, 3, 4, 5], fromLogits: true, ignoreClass: -1 })],
      ['crossentropy', (y: Tensor, p: Tensor) => sparseCategoricalCrossentropy(y, p, { fromLogits: true, ignoreClass: -1 })],
    ] as const) {
      it(`${name}, ${dtype}: 150 rows at once = one row at a time`, () => {
        const rng = new Rng(93);
        const N = 150;
        const K = 7;
        const x = randLogits(rng, [N, K], 3);
        const y = randLabels(rng, [N], K);
        for (const r of [0, 5, 64, 100, 149]) y.data[r] = -1; // ignored
        for (const r of [3, 63, 64, 120]) x.data[r * K + ((y.data[r]! + 2) % K)] = x.data[r * K + y.data[r]!]! + 650; // a gap above 600
        x.data[70 * K + 1] = 1e4;
        x.data[71 * K] = -1e4;
        const xs = cast(x, dtype);
        const all = gradOf((p) => f(y, p), xs, 1);
        for (let r = 0; r < N; r++) {
          const row = tensor(Array.from(xs.data.subarray(r * K, (r + 1) * K)), { dtype }).reshape([1, K]);
          const one = gradOf((p) => f(tensor(Int32Array.of(y.data[r]!), {}, [1]), p), row, 1);
          expect(one.value[0]).toBe(all.value[r]);
          expect(one.grad).toEqual(all.grad.slice(r * K, (r + 1) * K));
        }
      });
    }
  }
});

describe('float32 logits: values and gradients within float32 rounding of the exact ones', () => {
  for (const [name, opts] of [
    ['γ=2, class weights', { gamma: 2, classWeight: [0.25, 1, 2, 0.5, 1, 1, 3, 1, 1, 1] }],
    ['γ=0', { gamma: 0 }],
    ['γ=0.5', { gamma: 0.5 }],
    ['per-class γ', { gamma: [0, 1, 2, 3, 4, 5, 0.5, 1.5, 2.5, 2] }],
  ] as const) {
    for (const scale of [1, 4, 20]) {
      it(`${name}, logits scale ${scale}`, () => {
        const rng = new Rng(94);
        const x64 = cast(cast(randLogits(rng, [300, 10], scale), 'float32'), 'float64'); // float32 numbers, held in float64
        const y = randLabels(rng, [300], 10);
        const perRow = (p: Tensor) => sparseCategoricalFocalLoss(y, p, { ...opts, fromLogits: true });
        const a = gradOf(perRow, cast(x64, 'float32'), 1);
        const b = gradOf(perRow, x64, 1);
        a.value.forEach((v, i) => expect(Math.abs(v - b.value[i]!), `value ${i}`).toBeLessThanOrEqual(ulp32(b.value[i]!)));
        a.grad.forEach((g, i) => expect(Math.abs(g - b.grad[i]!), `grad ${i}`).toBeLessThanOrEqual(ulp32(b.grad[i]!)));
        // The fused reduction finishes the gradient in the forward, rounding each entry once.
        const loss = new SparseCategoricalFocalLoss({ ...opts, fromLogits: true, reduction: 'sum' });
        const c = gradOf((p) => loss.call(y, p), cast(x64, 'float32'), 1);
        const d = gradOf((p) => loss.call(y, p), x64, 1);
        expect(Math.abs(c.value[0]! - d.value[0]!)).toBeLessThanOrEqual(ulp32(d.value[0]!));
        c.grad.forEach((g, i) => expect(Math.abs(g - d.grad[i]!), `fused grad ${i}`).toBeLessThanOrEqual(ulp32(d.grad[i]!)));
      });
    }
  }
});

describe('float32 logits with a class gap above 88.7 (e^gap overflows float32)', () => {
  it('give the finite gradient, per row and with the fused reduction', () => {
    for (const dtype of ['float32', 'float64'] as DType[]) {
      const x = tensor([[0, 100, 1], [3, -200, 150]], { dtype });
      const perRow = gradOf((p) => sparseCategoricalFocalLoss([0, 0], p, { gamma: 2, fromLogits: true }), x, 1);
      // row 0: p_t = e^-100 → A ≈ −1, so the gradient is ≈ (−1, 1, ~e^-99); row 1 likewise
      expect(perRow.grad[0]).toBeCloseTo(-1, 12);
      expect(perRow.grad[1]).toBeCloseTo(1, 12);
      expect(perRow.grad.every(Number.isFinite)).toBe(true);
      const fused = gradOf((p) => new SparseCategoricalFocalLoss({ gamma: 2, fromLogits: true, reduction: 'sum' }).call([0, 0], p), x, 1);
      expect(fused.grad).toEqual(perRow.grad);
    }
  });
});

/**
 * The specialised kernel of the binary focal losses with scalar parameters (`focalLogitsScalar`):
 * - float64: the very numbers of the general (per-class) loop, hard and soft labels;
 * - its hard-label γ = 2 loop, chosen per stage of 256 elements, gives the same numbers as its
 *   soft-label loop (a stage with one soft label, or an infinite logit, takes the soft loop) — in
 *   float32 up to the float32-accurate exp and log1p that only all-hard stages use;
 * - float32 inputs: with hard labels (computed with the float32-accurate exp and log1p) values and
 *   derivatives within float32 rounding of the exact ones (one float32 ulp, measured against
 *   float64); with soft labels (full-precision functions) exactly the float32 rounding of the
 *   float64 results.
 */
import { describe, expect, it } from 'vitest';
import { Rng, Tensor, tensor, vjp, type DType } from '@focalgrad/tensor';
import { binaryFocalCrossentropy, sigmoidFocalLoss } from '@focalgrad/losses';

/** Loss values and the gradient for an all-ones cotangent (the elementwise derivative). */
function valueAndDerivative(f: (t: Tensor, p: Tensor) => Tensor, yt: Tensor, x: Tensor): { v: number[]; d: number[] } {
  const [out, back] = vjp((p: Tensor) => f(yt, p), x);
  const ones = new Tensor(out.dtype === 'float64' ? new Float64Array(out.size).fill(1) : new Float32Array(out.size).fill(1), out.shape);
  return { v: Array.from(out.data), d: Array.from(back(ones)[0]!.data) };
}

function logits(n: number, seed: number, scale = 4): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => scale * rng.normal());
}

function hardLabels(n: number, seed: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => (rng.uniform() < 0.3 ? 1 : 0));
}

/** The spacing of float32 values at `v` (a float32 value). */
function ulp32(v: number): number {
  const a = Math.abs(v);
  return a < 2 ** -126 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(a)) - 23);
}

const n = 1000;
const xs = logits(n, 11);
xs[3] = 0;
xs[4] = -0;
xs[5] = 40;
xs[6] = -40;
xs[7] = 1e4;
xs[8] = -1e4;
const hard = hardLabels(n, 12);
const soft = hard.map((y, i) => (i % 3 === 0 ? 0.2 + 0.6 * ((i * 7919) % 101) / 101 : y));

const options: { gamma: number; applyClassBalancing?: boolean; alpha?: number; labelSmoothing?: number }[] = [
  { gamma: 2, applyClassBalancing: true, alpha: 0.25 },
  { gamma: 2 },
  { gamma: 3, applyClassBalancing: true, alpha: 0.6 },
  { gamma: 0.5 },
  { gamma: 0 },
  { gamma: 2, labelSmoothing: 0.1 },
];

describe('scalar-parameter kernel = general per-class loop (float64, bit for bit)', () => {
  for (const o of options) {
    for (const [name, labels] of [['hard', hard], ['soft', soft]] as const) {
      it(`${JSON.stringify(o)}, ${name} labels`, () => {
        const K = 4;
        const yt = tensor(labels, { dtype: 'float64' }).reshape([n / K, K]);
        const x = tensor(xs, { dtype: 'float64' }).reshape([n / K, K]);
        const scalar = valueAndDerivative((t, p) => binaryFocalCrossentropy(t, p, { ...o, fromLogits: true }), yt, x);
        // The same parameters given per class take the general loop.
        const perClass = {
          ...o,
          gamma: new Array<number>(K).fill(o.gamma),
          ...(o.alpha !== undefined ? { alpha: new Array<number>(K).fill(o.alpha) } : {}),
        };
        const general = valueAndDerivative((t, p) => binaryFocalCrossentropy(t, p, { ...perClass, fromLogits: true }), yt, x);
        expect(scalar.v).toEqual(general.v);
        expect(scalar.d).toEqual(general.d);
      });
    }
  }
});

describe('the hard-label stage loop = the soft-label stage loop', () => {
  for (const dtype of ['float32', 'float64'] as DType[]) {
    for (const alpha of [0.25, -1]) {
      it(`${dtype}, alpha ${alpha}: elements of a stage forced onto the soft loop keep their values`, () => {
        // 512 elements = two stages. Variant B makes stage 0 soft (one label 0.5), variant C (one
        // infinite logit); stage 0's other elements must not change.
        const N = 512;
        const yA = hard.slice(0, N);
        const xA = xs.slice(0, N);
        const yB = yA.slice();
        yB[100] = 0.5;
        const xC = xA.slice();
        xC[100] = Infinity;
        const run = (y: number[], x: number[]) =>
          valueAndDerivative((t, p) => sigmoidFocalLoss(p, t, { alpha, gamma: 2 }), tensor(y, { dtype }), tensor(x, { dtype }));
        const a = run(yA, xA);
        for (const other of [run(yB, xA), run(yA, xC)]) {
          for (let i = 0; i < N; i++) {
            if (i === 100) continue;
            if (dtype === 'float64' || i >= 256) {
              expect(other.v[i]).toBe(a.v[i]);
              expect(other.d[i]).toBe(a.d[i]);
            } else {
              // float32: the all-hard stage used the float32-accurate exp and log1p, the other the
              // full-precision ones; both within float32 rounding of the exact value.
              expect(Math.abs(other.v[i]! - a.v[i]!)).toBeLessThanOrEqual(ulp32(a.v[i]!));
              expect(Math.abs(other.d[i]! - a.d[i]!)).toBeLessThanOrEqual(ulp32(a.d[i]!));
            }
          }
        }
      });
    }
  }
});

describe('float32 inputs: values and derivatives within float32 rounding of the exact ones', () => {
  for (const o of options) {
    for (const [name, labels] of [['hard', hard], ['soft', soft]] as const) {
      it(`${JSON.stringify(o)}, ${name} labels`, () => {
        // Shape [n, 1]: the mean over the last axis is over one element, so values are elementwise.
        const g = (t: Tensor, p: Tensor) => binaryFocalCrossentropy(t, p, { ...o, fromLogits: true });
        const y32 = tensor(labels, { dtype: 'float32' }).reshape([n, 1]);
        const x32 = tensor(xs, { dtype: 'float32' }).reshape([n, 1]);
        // The float64 reference from the very same float32 numbers.
        const y64 = tensor(Array.from(y32.data), { dtype: 'float64' }).reshape([n, 1]);
        const x64 = tensor(Array.from(x32.data), { dtype: 'float64' }).reshape([n, 1]);
        const a = valueAndDerivative(g, y32, x32);
        const b = valueAndDerivative(g, y64, x64);
        if (name === 'soft') {
          expect(a.v).toEqual(b.v.map(Math.fround));
          expect(a.d).toEqual(b.d.map(Math.fround));
          return;
        }
        let worstV = 0;
        let worstD = 0;
        for (let i = 0; i < n; i++) {
          worstV = Math.max(worstV, Math.abs(a.v[i]! - b.v[i]!) / ulp32(Math.fround(b.v[i]!)));
          worstD = Math.max(worstD, Math.abs(a.d[i]! - b.d[i]!) / ulp32(Math.fround(b.d[i]!)));
        }
        expect(worstV).toBeLessThanOrEqual(1);
        expect(worstD).toBeLessThanOrEqual(1);
      });
    }
  }
});

/**
 * One line per differentiable op through the shared harness (helpers.ts): forward vs a plain-JS
 * reference (ref.ts), gradcheck, gradgradcheck, backward() vs vjp, float32, and saturation where
 * it matters. Inputs avoid the kinks of abs, relu, max/min, maximum/minimum and clip, where the
 * derivative is not defined and finite differences straddle the kink.
 */
import { describe, expect, it } from 'vitest';
import {
  type Tensor,
  abs, add, astype, broadcastTo, clip, concat, div, exp, expandDims, expm1, gather, grad, log, log1p, logSigmoid,
  logSoftmax, logSumExp, matmul, max, maximum, mean, min, minimum, mul, neg, pad, permute, pow, relu, reshape, scatterAdd,
  sigmoid, slice, softmax, softplus, sqrt, square, squeeze, stack, sub, sum, take, tanh, tensor, transpose, where,
} from '@focalgrad/tensor';
import { awayFrom, distinct, expectAllClose, grid, opTest, signed, uniform } from './helpers.js';
import * as R from './ref.js';

const int32 = (v: number[] | number[][], shape?: number[]): Tensor =>
  shape ? tensor(new Int32Array(v.flat()), {}, shape) : tensor(v, { dtype: 'int32' });

describe('binary arithmetic with broadcasting', () => {
  const cases: [string, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => number][] = [
    ['add', add, (x, y) => x + y],
    ['sub', sub, (x, y) => x - y],
    ['mul', mul, (x, y) => x * y],
  ];
  for (const [name, fn, f] of cases) {
    const reference = (a: R.Arr, b: R.Arr): R.Arr => R.zip2(a, b, f);
    opTest({ name: `${name} same shape`, fn, shapes: [[3, 4], [3, 4]], reference });
    opTest({ name: `${name} [3,1,4] with [2,1]`, fn, shapes: [[3, 1, 4], [2, 1]], reference });
    opTest({ name: `${name} scalar with tensor`, fn, shapes: [[], [2, 3]], reference });
    opTest({ name: `${name} tensor with scalar`, fn, shapes: [[2, 3], []], reference });
    opTest({ name: `${name} [4] with [3,1]`, fn, shapes: [[4], [3, 1]], reference });
  }
  const divRef = (a: R.Arr, b: R.Arr): R.Arr => R.zip2(a, b, (x, y) => x / y);
  opTest({ name: 'div same shape', fn: div, shapes: [[3, 4], [3, 4]], gen: [undefined, signed(0.5, 2)], reference: divRef });
  opTest({ name: 'div [3,1,4] by [2,1]', fn: div, shapes: [[3, 1, 4], [2, 1]], gen: [undefined, signed(0.5, 2)], reference: divRef });
  opTest({ name: 'div scalar by tensor', fn: div, shapes: [[], [2, 3]], gen: [undefined, signed(0.5, 2)], reference: divRef });
  opTest({ name: 'div tensor by scalar', fn: div, shapes: [[2, 3], []], gen: [undefined, signed(0.5, 2)], reference: divRef });
  opTest({ name: 'div by a number', fn: (a) => div(a, 3), shapes: [[2, 3]], reference: (a) => R.map(a, (x) => x / 3) });
  opTest({ name: 'neg', fn: neg, shapes: [[2, 3]], reference: (a) => R.map(a, (x) => -x) });
});

describe('pow', () => {
  const powRef = (a: R.Arr, b: R.Arr): R.Arr => R.zip2(a, b, Math.pow);
  opTest({ name: 'pow tensor exponent', fn: pow, shapes: [[3, 4], [3, 4]], gen: [uniform(0.5, 2), uniform(-2, 2)], reference: powRef });
  opTest({ name: 'pow broadcast exponent [3,1] ** [4]', fn: pow, shapes: [[3, 1], [4]], gen: [uniform(0.5, 2), uniform(-2, 2)], reference: powRef });
  opTest({ name: 'pow number base ** tensor', fn: (b) => pow(2, b), shapes: [[5]], reference: (b) => R.map(b, (y) => 2 ** y) });
  for (const p of [0, 1, 2, 3, 0.5, -1.5]) {
    // Negative bases are fine for integer p; p = 0.5 and -1.5 need x > 0.
    const gen = Number.isInteger(p) ? awayFrom([0], 0.1, -2, 2) : uniform(0.5, 2);
    opTest({ name: `pow scalar exponent p=${p}`, fn: (x) => pow(x, p), shapes: [[2, 3]], gen, reference: (x) => R.map(x, (v) => v ** p) });
  }

  it('x ** 0 and x ** 1 have exact, NaN-free gradients at x = 0 (optax#1267)', () => {
    const x = tensor([0, 2, -3], { dtype: 'float64' });
    expect(grad((x: Tensor) => pow(x, 0).sum())(x).toArray()).toEqual([0, 0, 0]);
    expect(grad((x: Tensor) => pow(x, 1).sum())(x).toArray()).toEqual([1, 1, 1]);
    expect(grad((x: Tensor) => pow(x, 2).sum())(x).toArray()).toEqual([0, 4, -6]);
    // second derivative of x^2 is 2 everywhere, including 0
    expect(grad((x: Tensor) => grad((x: Tensor) => pow(x, 2).sum())(x).sum())(x).toArray()).toEqual([2, 2, 2]);
    expect(grad((x: Tensor) => grad((x: Tensor) => pow(x, 1).sum())(x).sum())(x).toArray()).toEqual([0, 0, 0]);
  });

  it('tensor exponent: the gradient wrt the exponent is 0 where the base is 0 (PyTorch convention)', () => {
    const a = tensor([0, 0, 2], { dtype: 'float64' });
    const b = tensor([2, 0.5, 3], { dtype: 'float64' });
    const [ga, gb] = grad((a: Tensor, b: Tensor) => pow(a, b).sum(), [0, 1])(a, b);
    // d/da a^b = b a^(b-1): 2·0 = 0, 0.5·0^(-0.5) = inf, 3·2^2 = 12
    expect(ga!.toArray()).toEqual([0, Infinity, 12]);
    // d/db a^b = a^b ln a: 0 at a = 0 by convention, 8 ln 2 at a = 2
    expectAllClose(gb!, [0, 0, 8 * Math.LN2], { atol: 0, rtol: 1e-15 });
  });
});

describe('unary', () => {
  opTest({ name: 'exp', fn: exp, shapes: [[3, 4]], reference: (x) => R.map(x, Math.exp) });
  opTest({ name: 'log', fn: log, shapes: [[3, 4]], gen: uniform(0.5, 3), reference: (x) => R.map(x, Math.log) });
  opTest({ name: 'log1p', fn: log1p, shapes: [[3, 4]], gen: uniform(-0.5, 2), reference: (x) => R.map(x, Math.log1p) });
  opTest({ name: 'expm1', fn: expm1, shapes: [[3, 4]], reference: (x) => R.map(x, Math.expm1) });
  opTest({ name: 'sqrt', fn: sqrt, shapes: [[3, 4]], gen: uniform(0.5, 3), reference: (x) => R.map(x, Math.sqrt) });
  opTest({ name: 'abs (away from 0)', fn: abs, shapes: [[3, 4]], gen: awayFrom([0], 0.1, -2, 2), reference: (x) => R.map(x, Math.abs) });
  opTest({ name: 'square', fn: square, shapes: [[3, 4]], reference: (x) => R.map(x, (v) => v * v) });
  opTest({ name: 'sigmoid', fn: sigmoid, shapes: [[3, 4]], low: -5, high: 5, saturate: 1e4, reference: (x) => R.map(x, R.sigmoidRef) });
  opTest({ name: 'logSigmoid', fn: logSigmoid, shapes: [[3, 4]], low: -5, high: 5, saturate: 1e4, reference: (x) => R.map(x, R.logSigmoidRef) });
  opTest({ name: 'softplus', fn: softplus, shapes: [[3, 4]], low: -5, high: 5, saturate: 1e4, reference: (x) => R.map(x, R.softplusRef) });
  opTest({ name: 'tanh', fn: tanh, shapes: [[3, 4]], saturate: 1e4, reference: (x) => R.map(x, Math.tanh) });
  opTest({ name: 'relu (away from 0)', fn: relu, shapes: [[3, 4]], gen: awayFrom([0], 0.1, -2, 2), saturate: 1e4, reference: (x) => R.map(x, (v) => Math.max(v, 0)) });
});

describe('maximum, minimum, clip, where', () => {
  // a on the grid k/10 + 0.05, b on k/10: never closer than 0.05, so no ties.
  const noTies = [grid(0.05), grid(0)];
  opTest({ name: 'maximum', fn: maximum, shapes: [[3, 4], [3, 4]], gen: noTies, reference: (a, b) => R.zip2(a, b, Math.max) });
  opTest({ name: 'maximum broadcast [3,1] with [4]', fn: maximum, shapes: [[3, 1], [4]], gen: noTies, reference: (a, b) => R.zip2(a, b, Math.max) });
  opTest({ name: 'minimum', fn: minimum, shapes: [[3, 4], [3, 4]], gen: noTies, reference: (a, b) => R.zip2(a, b, Math.min) });
  opTest({ name: 'minimum tensor with scalar', fn: minimum, shapes: [[2, 3], []], gen: noTies, reference: (a, b) => R.zip2(a, b, Math.min) });
  opTest({
    name: 'clip (away from the bounds)',
    fn: (x) => clip(x, -0.5, 1),
    shapes: [[3, 4]],
    gen: awayFrom([-0.5, 1], 0.05, -2, 2),
    reference: (x) => R.map(x, (v) => Math.min(Math.max(v, -0.5), 1)),
  });
  const cond = int32([1, 0, 0, 1, 1, 0], [3, 2]);
  opTest({
    name: 'where same shape',
    fn: where,
    inputs: [cond],
    shapes: [[3, 2], [3, 2], [3, 2]],
    reference: (c, a, b) => R.zip([c, a, b], (c, a, b) => (c !== 0 ? a : b)),
  });
  opTest({
    name: 'where broadcast: condition [3,1], a [1,4], b scalar',
    fn: where,
    inputs: [int32([1, 0, 1], [3, 1])],
    shapes: [[3, 1], [1, 4], []],
    reference: (c, a, b) => R.zip([c, a, b], (c, a, b) => (c !== 0 ? a : b)),
  });
});

describe('reductions', () => {
  const axesCases: { axis?: number | number[]; keepDims: boolean }[] = [
    { axis: 0, keepDims: false },
    { axis: -1, keepDims: true },
    { axis: [0, 2], keepDims: false },
    { axis: [2, 0], keepDims: true },
    { axis: undefined, keepDims: false },
    { axis: undefined, keepDims: true },
  ];
  const reductions: [string, typeof sum, (v: number[]) => number][] = [
    ['sum', sum, R.sumOf],
    ['mean', mean, R.meanOf],
    ['max', max, R.maxOf],
    ['min', min, R.minOf],
    ['logSumExp', logSumExp, R.logSumExpOf],
  ];
  for (const [name, fn, f] of reductions) {
    for (const { axis, keepDims } of axesCases) {
      opTest({
        name: `${name} axis=${JSON.stringify(axis)} keepDims=${keepDims}`,
        fn: (x) => fn(x, axis, keepDims),
        shapes: [[2, 3, 2]],
        // distinct values so max/min have a unique winner
        gen: distinct(-1.2, 0.1),
        saturate: name === 'logSumExp' ? 1e4 : undefined,
        reference: (x) => R.reduce(x, axis, keepDims, f),
      });
    }
  }

  it('max and min split the gradient evenly among ties (PyTorch amax semantics), exactly in float64', () => {
    const x = tensor([[1, 3, 3, 3], [2, 0, 2, -1]], { dtype: 'float64' });
    expect(grad((x: Tensor) => max(x, 1).sum())(x).toArray()).toEqual([[0, 1 / 3, 1 / 3, 1 / 3], [0.5, 0, 0.5, 0]]);
    expect(grad((x: Tensor) => min(x, 0).sum())(tensor([[1, 2], [1, 3]], { dtype: 'float64' })).toArray()).toEqual([[0.5, 1], [0.5, 0]]);
  });
});

describe('softmax family', () => {
  for (const [shape, axis] of [[[3, 4], -1], [[3, 4], 0], [[2, 3, 4], 1], [[2, 3, 4], 0]] as const) {
    opTest({
      name: `softmax shape=${JSON.stringify(shape)} axis=${axis}`,
      fn: (x) => softmax(x, axis),
      shapes: [shape],
      low: -3,
      high: 3,
      saturate: 1e4,
      reference: (x) => R.alongAxis(x, axis, R.softmaxVec),
    });
    opTest({
      name: `logSoftmax shape=${JSON.stringify(shape)} axis=${axis}`,
      fn: (x) => logSoftmax(x, axis),
      shapes: [shape],
      low: -3,
      high: 3,
      saturate: 1e4,
      reference: (x) => R.alongAxis(x, axis, R.logSoftmaxVec),
    });
  }
});

describe('matmul', () => {
  const cases: [string, number[], number[]][] = [
    ['2-D', [3, 4], [4, 2]],
    ['batched', [2, 3, 4], [2, 4, 2]],
    ['broadcast batch [2,1,3,4] @ [3,4,2]', [2, 1, 3, 4], [3, 4, 2]],
    ['matrix @ batch [3,4] @ [2,4,2]', [3, 4], [2, 4, 2]],
    ['vector @ matrix', [4], [4, 3]],
    ['matrix @ vector', [3, 4], [4]],
    ['vector @ vector', [4], [4]],
    ['batch @ vector', [2, 3, 4], [4]],
  ];
  for (const [name, sa, sb] of cases) {
    opTest({ name: `matmul ${name}`, fn: matmul, shapes: [sa, sb], reference: R.matmul });
  }
});

describe('shape ops', () => {
  opTest({ name: 'transpose (reverse axes)', fn: (x) => transpose(x), shapes: [[2, 3, 4]], reference: (x) => R.permute(x, [2, 1, 0]) });
  opTest({ name: 'permute [1, 2, 0]', fn: (x) => permute(x, [1, 2, 0]), shapes: [[2, 3, 4]], reference: (x) => R.permute(x, [1, 2, 0]) });
  opTest({ name: 'permute with negative axes', fn: (x) => permute(x, [-1, 0, 1]), shapes: [[2, 3, 4]], reference: (x) => R.permute(x, [2, 0, 1]) });
  opTest({ name: 'reshape', fn: (x) => reshape(x, [4, 3]), shapes: [[2, 6]], reference: (x) => R.reshape(x, [4, 3]) });
  opTest({ name: 'reshape with -1', fn: (x) => reshape(x, [3, -1, 2]), shapes: [[2, 6]], reference: (x) => R.reshape(x, [3, 2, 2]) });
  opTest({ name: 'squeeze all', fn: (x) => squeeze(x), shapes: [[2, 1, 3, 1]], reference: (x) => R.reshape(x, [2, 3]) });
  opTest({ name: 'squeeze axis', fn: (x) => squeeze(x, -1), shapes: [[2, 1, 3, 1]], reference: (x) => R.reshape(x, [2, 1, 3]) });
  opTest({ name: 'expandDims', fn: (x) => expandDims(x, 1), shapes: [[2, 3]], reference: (x) => R.reshape(x, [2, 1, 3]) });
  opTest({ name: 'expandDims -1', fn: (x) => expandDims(x, -1), shapes: [[2, 3]], reference: (x) => R.reshape(x, [2, 3, 1]) });
  opTest({ name: 'concat axis 0', fn: (a, b) => concat([a!, b!], 0), shapes: [[2, 3], [1, 3]], reference: (a, b) => R.concat([a, b], 0) });
  opTest({
    name: 'concat three along axis -1',
    fn: (a, b, c) => concat([a!, b!, c!], -1),
    shapes: [[2, 1], [2, 3], [2, 2]],
    reference: (a, b, c) => R.concat([a, b, c], 1),
  });
  opTest({ name: 'stack axis 0', fn: (a, b) => stack([a!, b!]), shapes: [[2, 3], [2, 3]], reference: (a, b) => R.stack([a, b], 0) });
  opTest({ name: 'stack axis -1', fn: (a, b, c) => stack([a!, b!, c!], -1), shapes: [[2, 3], [2, 3], [2, 3]], reference: (a, b, c) => R.stack([a, b, c], -1) });
  opTest({ name: 'slice', fn: (x) => slice(x, [1, 0, 2], [2, 3, 2]), shapes: [[3, 4, 5]], reference: (x) => R.slice(x, [1, 0, 2], [2, 3, 2]) });
  opTest({ name: 'slice negative begin, size -1', fn: (x) => slice(x, [-2, 1], [-1, 2]), shapes: [[4, 5]], reference: (x) => R.slice(x, [2, 1], [2, 2]) });
  opTest({
    name: 'pad with a value',
    fn: (x) => pad(x, [[1, 0], [2, 1]], 0.5),
    shapes: [[2, 3]],
    reference: (x) => R.pad(x, [[1, 0], [2, 1]], 0.5),
  });
  opTest({ name: 'pad 3-D', fn: (x) => pad(x, [[0, 1], [1, 1], [0, 2]]), shapes: [[2, 1, 3]], reference: (x) => R.pad(x, [[0, 1], [1, 1], [0, 2]], 0) });
  opTest({ name: 'broadcastTo [3,1] -> [2,3,4]', fn: (x) => broadcastTo(x, [2, 3, 4]), shapes: [[3, 1]], reference: (x) => R.broadcastTo(x, [2, 3, 4]) });
  opTest({ name: 'broadcastTo scalar -> [2,2]', fn: (x) => broadcastTo(x, [2, 2]), shapes: [[]], reference: (x) => R.broadcastTo(x, [2, 2]) });
});

describe('indexing', () => {
  opTest({
    name: 'gather axis 0 with repeated and negative indices',
    fn: (x, i) => gather(x, i!),
    shapes: [[4, 3]],
    inputs: [undefined, int32([2, 0, 2, -1, 2])],
    reference: (x, i) => R.take(x, i, 0),
  });
  opTest({
    name: 'gather axis 1 with 2-D indices',
    fn: (x, i) => gather(x, i!, 1),
    shapes: [[2, 4, 3]],
    inputs: [undefined, int32([[3, 0], [3, 3], [1, 0]])],
    reference: (x, i) => R.take(x, i, 1),
  });
  opTest({
    name: 'take (alias) along the last axis',
    fn: (x, i) => take(x, i!, -1),
    shapes: [[3, 4]],
    inputs: [undefined, int32([1, 1, 3])],
    reference: (x, i) => R.take(x, i, -1),
  });
  opTest({
    name: 'scatterAdd with repeated indices',
    fn: (s, i) => scatterAdd(s, i!, 0, 4),
    shapes: [[5, 2]],
    inputs: [undefined, int32([0, 3, 0, 0, 2])],
    reference: (s, i) => R.scatterAdd(s, i, 0, 4),
  });
  opTest({
    name: 'scatterAdd along axis 1 with 2-D indices',
    fn: (s, i) => scatterAdd(s, i!, 1, 3),
    shapes: [[2, 2, 2, 3]],
    inputs: [undefined, int32([[2, 2], [0, 1]])],
    reference: (s, i) => R.scatterAdd(s, i, 1, 3),
  });
});

describe('astype', () => {
  // gradcheck differentiates in float64, so a float64 → float32 cast would put float32 rounding
  // into the finite differences; check its gradient exactly instead: d/dx Σ c·cast(x) = c.
  it('float64 → float32: value rounds, gradient is cast back to float64', () => {
    const x = tensor([0.1, -2.5, 3], { dtype: 'float64' });
    const y = astype(x, 'float32');
    expect(y.dtype).toBe('float32');
    expect(Array.from(y.data)).toEqual(Array.from(Float32Array.from([0.1, -2.5, 3])));
    const c = tensor([2, -0.5, 0.25]);
    const g = grad((x: Tensor) => astype(x, 'float32').mul(c).sum())(x);
    expect(g.dtype).toBe('float64');
    expect(g.toArray()).toEqual([2, -0.5, 0.25]);
  });
  it('float32 → float64: gradient comes back as float32', () => {
    const x = tensor([0.1, -2.5, 3]);
    const c = tensor([2, -0.5, 0.25], { dtype: 'float64' });
    const g = grad((x: Tensor) => astype(x, 'float64').mul(c).sum())(x);
    expect(g.dtype).toBe('float32');
    expect(g.toArray()).toEqual([2, -0.5, 0.25]);
    // float32 → float64 is exact, so a round trip is the identity on float32 values
    expect(Array.from(astype(astype(x, 'float64'), 'float32').data)).toEqual(Array.from(x.data));
  });
  opTest({
    name: 'astype float64 → float32 → float64 of exactly representable values is the identity',
    fn: (x) => astype(astype(x, 'float32'), 'float64'),
    shapes: [[2, 3]],
    // Multiples of 1/8 in [-2, 2), and x ± 2^-10, are exact in float32, so the central difference of
    // this linear map is exact. Its second derivative is 0, and the float32 cast of the cotangent
    // would round u in gradgradcheck's finite differences, so gradgradcheck is skipped.
    gen: grid(0, 0.125),
    reference: (x) => x,
    skipFloat32: true,
    skipGradgrad: true,
    gradcheckOptions: { eps: 2 ** -10 },
  });
});

/**
 * Typed errors: every bad input throws a ShapeError, DTypeError or ValueError (all FocalgradError)
 * whose message names the op, the argument, what was expected and what was given.
 */
import { describe, expect, it } from 'vitest';
import {
  DTypeError, FocalgradError, Rng, ShapeError, type Tensor, ValueError, add, argmax, astype, broadcastTo, clip, concat,
  expandDims, gather, grad, matmul, mul, oneHot, pad, permute, reshape, scatterAdd, slice, softmax, squeeze, stack, sum,
  tensor, where, zeros,
} from '@focalgrad/tensor';

type ErrorClass = typeof ShapeError | typeof DTypeError | typeof ValueError;

/** Runs `fn`, expecting an error of class `cls` about `op`/`arg` whose message contains every fragment. */
function expectError(fn: () => unknown, cls: ErrorClass, op: string, arg: string, fragments: (string | RegExp)[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${cls.name} from ${op}`).toBeInstanceOf(cls);
  expect(caught).toBeInstanceOf(FocalgradError);
  expect(caught).toBeInstanceOf(Error);
  const e = caught as FocalgradError;
  expect(e.name).toBe(cls.name);
  expect(e.op).toBe(op);
  expect(e.arg).toBe(arg);
  expect(e.message.startsWith(`${op}: argument '${arg}' `), e.message).toBe(true);
  for (const f of fragments) {
    if (typeof f === 'string') expect(e.message, e.message).toContain(f);
    else expect(e.message).toMatch(f);
  }
}

describe('ShapeError', () => {
  it('incompatible broadcast shapes name both shapes and the clashing dimension', () => {
    expectError(() => add(zeros([2, 3]), zeros([4])), ShapeError, 'add', 'b', ['[4]', '[2, 3]', '4 vs 3']);
    expectError(() => mul(zeros([3, 1, 4]), zeros([2, 3])), ShapeError, 'mul', 'b', ['[2, 3]', '[3, 1, 4]', '3 vs 4']);
    expectError(() => zeros([2, 3]).add(zeros([3, 2])), ShapeError, 'add', 'b', ['[3, 2]', '[2, 3]']);
    expectError(() => where(zeros([2]), zeros([3]), 0), ShapeError, 'where', 'a', ['[3]', '[2]']);
    expectError(() => broadcastTo(zeros([3]), [2, 4]), ShapeError, 'broadcastTo', 'x', ['[3]', '[2, 4]']);
  });

  it('matmul inner dimensions', () => {
    expectError(() => matmul(zeros([2, 3]), zeros([4, 5])), ShapeError, 'matmul', 'b', ['3 columns', '[2, 3]', '[4, 5]', '4 rows']);
    // 1-D operands: the message shows the shapes the user passed
    expectError(() => matmul(zeros([3]), zeros([4])), ShapeError, 'matmul', 'b', ['[3]', '[4]']);
    expectError(() => matmul(zeros([2, 3]), zeros([4])), ShapeError, 'matmul', 'b', ['[2, 3]', '[4]']);
    expectError(() => matmul(zeros([]), zeros([4])), ShapeError, 'matmul', 'a', ['scalar']);
  });

  it('matmul batch dimensions that do not broadcast name the full shapes', () => {
    expectError(() => matmul(zeros([2, 2, 3]), zeros([3, 3, 4])), ShapeError, 'matmul', 'b', ['[3, 3, 4]', '[2, 2, 3]']);
  });

  it('out-of-range axes', () => {
    expectError(() => sum(zeros([2, 3]), 2), ShapeError, 'sum', 'axis', ['[-2, 1]', 'rank 2', 'got 2']);
    expectError(() => sum(zeros([2, 3]), [0, -3]), ShapeError, 'sum', 'axis', ['got -3']);
    expectError(() => softmax(zeros([2, 3]), 5), ShapeError, 'softmax', 'axis', ['got 5']);
    expectError(() => argmax(zeros([2, 3]), -3), ShapeError, 'argmax', 'axis', ['got -3']);
    expectError(() => concat([zeros([2, 3]), zeros([2, 3])], 2), ShapeError, 'concat', 'axis', ['got 2']);
    expectError(() => expandDims(zeros([2, 3]), 3), ShapeError, 'expandDims', 'axis', ['[-3, 2]', 'got 3']);
    expectError(() => gather(zeros([3, 2]), [0], 2), ShapeError, 'gather', 'axis', ['got 2']);
    expectError(() => squeeze(zeros([2, 3]), 0), ShapeError, 'squeeze', 'axis', ['size 1', 'got 2', '[2, 3]']);
    expectError(() => permute(zeros([2, 3]), [0]), ShapeError, 'permute', 'perm', ['2 axes', '[0]']);
  });

  it('out-of-range indices (gather, take via gather, oneHot, scatterAdd)', () => {
    expectError(() => gather(zeros([3, 2]), [0, 3]), ShapeError, 'gather', 'indices', ['index 3', 'size 3']);
    expectError(() => gather(zeros([3, 2]), tensor([-4], { dtype: 'int32' })), ShapeError, 'gather', 'indices', ['index -4', 'size 3']);
    expectError(() => oneHot([0, 3], 3), ShapeError, 'oneHot', 'indices', ['index 3', 'size 3']);
    expectError(() => scatterAdd(zeros([2]), [0, 5], 0, 3), ShapeError, 'scatterAdd', 'indices', ['index 5', 'size 3']);
    expectError(() => scatterAdd(zeros([3]), [0, 1], 0, 2), ShapeError, 'scatterAdd', 'indices', ['[2]', '[3]']);
  });

  it('reshape size mismatch', () => {
    expectError(() => reshape(zeros([2, 3]), [4, 2]), ShapeError, 'reshape', 'shape', ['[4, 2]', '8 elements', 'expected 6', '[2, 3]']);
    expectError(() => reshape(zeros([2, 3]), [4, -1]), ShapeError, 'reshape', 'shape', ['[4, -1]', '6 elements', '[2, 3]']);
  });

  it('ragged nested arrays', () => {
    expectError(() => tensor([[1, 2], [3]]), ShapeError, 'tensor', 'values', ['ragged', 'expected 2', 'got 1', '[2, 2]']);
    expectError(() => tensor([[1, 2], 3] as unknown as number[][]), ShapeError, 'tensor', 'values', ['ragged', 'got a number']);
    expectError(() => tensor([1, [2]] as unknown as number[]), ShapeError, 'tensor', 'values', ['ragged', 'expected a number', 'got an array']);
  });

  it('concat and stack mismatches', () => {
    expectError(() => concat([zeros([2, 3]), zeros([2, 4])], 0), ShapeError, 'concat', 'xs[1]', ['[2, 4]', '[2, 3]', 'axis 0']);
    expectError(() => concat([zeros([2, 3]), zeros([2])], 1), ShapeError, 'concat', 'xs[1]', ['[2]', '[2, 3]']);
    expectError(() => stack([zeros([2, 3]), zeros([2, 3]), zeros([3, 2])]), ShapeError, 'stack', 'xs[2]', ['[3, 2]', '[2, 3]']);
  });

  it('slice out of range', () => {
    expectError(() => slice(zeros([2, 3]), [0, 4]), ShapeError, 'slice', 'begin', ['index 4', 'axis 1', 'size 3']);
    expectError(() => slice(zeros([2, 3]), [1, 1], [2, 1]), ShapeError, 'slice', 'size', ['2 from 1', 'axis 0', 'size 2']);
    expectError(() => slice(zeros([2, 3]), [0, 0, 0]), ShapeError, 'slice', 'begin', ['3 entries', 'rank 2']);
    expectError(() => pad(zeros([2, 3]), [[1, 1]]), ShapeError, 'pad', 'paddings', ['expected 2', 'got 1']);
  });
});

describe('DTypeError', () => {
  it('int32 tensors cannot require grad', () => {
    expectError(() => tensor([1], { dtype: 'int32', requiresGrad: true }), DTypeError, 'requiresGrad', 'requiresGrad', ['float32 or float64', 'int32']);
    expectError(() => zeros([2], { dtype: 'int32', requiresGrad: true }), DTypeError, 'requiresGrad', 'requiresGrad', ['int32']);
    expectError(() => grad((x: Tensor) => x.sum())(tensor([1], { dtype: 'int32' })), DTypeError, 'grad', 'args[0]', ['float', 'int32']);
  });

  it('bad dtype strings', () => {
    const bad = 'float16' as unknown as 'float32';
    expectError(() => tensor([1], { dtype: bad }), DTypeError, 'tensor', 'dtype', ["'float32', 'float64' or 'int32'", '"float16"']);
    expectError(() => zeros([1], { dtype: bad }), DTypeError, 'zeros', 'dtype', ['"float16"']);
    expectError(() => astype(zeros([1]), bad), DTypeError, 'astype', 'dtype', ['"float16"']);
    expectError(() => oneHot([0], 2, bad), DTypeError, 'oneHot', 'dtype', ['"float16"']);
  });

  it('non-integer indices (gather, oneHot), also when a float32 would round them to an integer', () => {
    expectError(() => gather(zeros([3, 2]), [0.5]), DTypeError, 'gather', 'indices', ['integer', 'got 0.5']);
    expectError(() => oneHot([1.5], 3), DTypeError, 'oneHot', 'indices', ['integer', 'got 1.5']);
    expectError(() => gather(zeros([3, 2]), [2.00000001]), DTypeError, 'gather', 'indices', ['got 2.00000001']);
    expectError(() => oneHot(tensor([1.25]), 3), DTypeError, 'oneHot', 'indices', ['got 1.25']);
  });
});

describe('ValueError', () => {
  it('backward on a non-scalar without a seed', () => {
    const y = zeros([2], { requiresGrad: true }).mul(2);
    expectError(() => y.backward(), ValueError, 'backward', 'grad', ['non-scalar', '[2]']);
    expectError(() => y.backward(zeros([3])), ValueError, 'backward', 'grad', ['expected shape [2]', 'got [3]']);
  });

  it('backward through a released graph names retainGraph', () => {
    const y = zeros([1], { requiresGrad: true }).mul(2).sum();
    y.backward();
    expectError(() => y.backward(), ValueError, 'backward', 'graph', ['retainGraph']);
  });

  it('clip with min > max', () => {
    expectError(() => clip(zeros([2]), 1, 0), ValueError, 'clip', 'min', ['min <= max', 'min=1', 'max=0']);
  });

  it('other bad values name what was expected and what was given', () => {
    expectError(() => sum(zeros([2, 3]), 0.5), ValueError, 'sum', 'axis', ['integer', 'got 0.5']);
    expectError(() => sum(zeros([2, 3]), [0, -2]), ValueError, 'sum', 'axis', ['repeats']);
    expectError(() => reshape(zeros([2, 3]), [-1, -1]), ValueError, 'reshape', 'shape', ['one -1', '[-1, -1]']);
    expectError(() => permute(zeros([2, 3]), [0, 0]), ValueError, 'permute', 'perm', ['permutation', '[0,0]']);
    expectError(() => concat([], 0), ValueError, 'concat', 'xs', ['at least one']);
    expectError(() => oneHot([1], 0), ValueError, 'oneHot', 'depth', ['positive integer', 'got 0']);
    expectError(() => zeros([2, -1]), ValueError, 'zeros', 'shape', ['non-negative', '[2, -1]']);
    expectError(() => zeros([2]).item(), ValueError, 'item', 'this', ['one element', '[2]']);
    expectError(() => tensor(['a'] as unknown as number[]), ValueError, 'tensor', 'values', ['numbers', 'string']);
    expectError(() => pad(zeros([2]), [[-1, 1]]), ValueError, 'pad', 'paddings', ['non-negative']);
    expectError(() => new Rng(0).int(3, 3), ValueError, 'Rng.int', 'high', ['low < high', '[3, 3)']);
    expectError(() => grad((x: Tensor) => x.sum(), 2)(zeros([1])), ValueError, 'grad', 'argnums', ['index 2', '1 arguments']);
    expectError(() => grad((x: Tensor) => x.mul(2))(zeros([2])), ValueError, 'grad', 'f', ['scalar', '[2]']);
  });
});

/**
 * The primitive table: one entry per name of the closed list in `kernels/signature.ts`, holding the
 * op's backward rule (its VJP, a few lines written with other primitives, so it is differentiable
 * again), the explicit mark `'nonDifferentiable'`, or — for `relu` and `logSoftmax` — a fused
 * first-order gradient kernel with its composite for the higher orders. The ops are built from this
 * table and nothing else: the forward of each is the kernel of the same name, so a primitive
 * without a kernel, a rule or a declaration fails to compile, and so does a rule for a name that
 * is not on the list. The public functions in the other `ops/` files wrap these ops.
 */
import { allocate } from '../dtype.js';
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { type FusedGradient, fusedOpSpec } from '../fused.js';
import {
  type Kernel,
  type NonDifferentiable,
  type PrimitiveAttrs,
  type PrimitiveName,
  constantMax,
  kernels,
  onKernelChange,
} from '../kernels/index.js';
import { defineOp, type Op, type OpSpec } from '../op.js';
import { assertBroadcastableTo, reducedShape } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';

type Backward<A> = NonNullable<OpSpec<A>['backward']>;

/** A differentiable primitive: its VJP, or (fused) its gradient kernel and composite; and an optional input check. */
type Rule<A> = ({ readonly backward: Backward<A> } | { readonly fused: FusedGradient<A> }) & { readonly check?: OpSpec<A>['check'] };

/** The table's type: a rule for every differentiable primitive, an explicit mark for the others. */
type Rules = { readonly [K in Exclude<PrimitiveName, NonDifferentiable>]: Rule<PrimitiveAttrs[K]> } & {
  readonly [K in NonDifferentiable]: 'nonDifferentiable';
};

// Shorthands for the rules below; they call the ops built from this very table.
const add = (a: TensorLike, b: TensorLike): Tensor => P.add([a, b]);
const sub = (a: TensorLike, b: TensorLike): Tensor => P.sub([a, b]);
const mul = (a: TensorLike, b: TensorLike): Tensor => P.mul([a, b]);
const div = (a: TensorLike, b: TensorLike): Tensor => P.div([a, b]);
const neg = (x: Tensor): Tensor => P.neg([x]);
const exp = (x: Tensor): Tensor => P.exp([x]);
const equal = (a: TensorLike, b: TensorLike): Tensor => P.equal([a, b]);
const greater = (a: TensorLike, b: TensorLike): Tensor => P.greater([a, b]);
const sumKeep = (x: Tensor, axes: number[]): Tensor => P.sum([x], { axes, keepDims: true });
const reshape = (x: Tensor, shape: readonly number[]): Tensor => P.reshape([x], { shape: shape.slice() });
const matmulT = (a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor => P.matmulT([a, b], { transA, transB });

/** A number as a scalar of `like`'s dtype (float32 for a fraction next to int32). */
export function scalarLike(v: number, like: Tensor): Tensor {
  const d = allocate(like.dtype === 'int32' && !Number.isInteger(v) ? 'float32' : like.dtype, 1);
  d[0] = v;
  return new Tensor(d, []);
}

/** `where` whose number branches take the dtype of the tensor branch, not of the (int32) condition. */
export function select(condition: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const like = a instanceof Tensor ? a : b instanceof Tensor ? b : undefined;
  return P.where([condition, typeof a === 'number' && like ? scalarLike(a, like) : a, typeof b === 'number' && like ? scalarLike(b, like) : b]);
}

/** A reduced gradient (or output) reshaped to the input's rank, so it broadcasts against it. */
const expandBack = (t: Tensor, x: Tensor, axes: readonly number[]): Tensor => reshape(t, reducedShape(x.shape, axes, true));

/** Swaps the last two axes. */
function mT(x: Tensor): Tensor {
  const perm = x.shape.map((_, i) => i);
  perm[perm.length - 1] = perm.length - 2;
  perm[perm.length - 2] = perm.length - 1;
  return P.permute([x], { perm });
}

/** max and min: the gradient goes to every element equal to the extremum, split evenly among ties. */
const extremumBackward: Backward<PrimitiveAttrs['max']> = (g, { inputs: [x], output, attrs }) => {
  const mask = equal(x!, expandBack(output, x!, attrs.axes));
  // Divide g·mask (g's dtype) by the int32 count: div(mask, count) would be int32 / int32, computed
  // in float32, and round 1/3 to 0.3333333432674408 in a float64 gradient.
  return [div(mul(expandBack(g, x!, attrs.axes), mask), P.sum([mask], { axes: attrs.axes, keepDims: true }))];
};

/** Ties split the gradient evenly, as PyTorch does. */
const extremumPair = (first: boolean): Backward<void> => (g, { inputs: [a, b] }) => {
  const half = mul(equal(a!, b!), 0.5);
  const [hi, lo] = first ? [a!, b!] : [b!, a!];
  return [mul(g, add(greater(hi, lo), half)), mul(g, add(greater(lo, hi), half))];
};

function checkMatmul([a, b]: readonly Tensor[]): void {
  if (a!.ndim < 2 || b!.ndim < 2) throw new ShapeError('matmul', a!.ndim < 2 ? 'a' : 'b', 'expected at least 2 dimensions');
  const k = a!.shape[a!.ndim - 1]!;
  const kb = b!.shape[b!.ndim - 2]!;
  if (k !== kb) {
    throw new ShapeError('matmul', 'b', `expected ${k} rows to match the ${k} columns of a (shape ${fmtShape(a!.shape)}), got shape ${fmtShape(b!.shape)} with ${kb} rows`);
  }
}

const rules: Rules = {
  add: { backward: (g) => [g, g] },
  sub: { backward: (g) => [g, neg(g)] },
  mul: { backward: (g, { inputs: [a, b], needsInputGrad: [na, nb] }) => [na ? mul(g, b!) : null, nb ? mul(g, a!) : null] },
  // d(a/b)/db = -a/b², written with the inputs only so second order stays exact.
  div: {
    backward: (g, { inputs: [a, b], needsInputGrad: [na, nb] }) => [na ? div(g, b!) : null, nb ? neg(div(mul(g, a!), mul(b!, b!))) : null],
  },
  pow: {
    backward: (g, { inputs: [a, b], output, needsInputGrad: [na, nb] }) => [
      na ? mul(g, mul(b!, P.pow([a!, sub(b!, 1)]))) : null,
      // PyTorch's convention: where a == 0 and b >= 0 the exponent's gradient is 0, not 0 · −∞.
      nb ? mul(g, select(P.logicalAnd([equal(a!, 0), P.greaterEqual([b!, 0])]), 0, mul(output, P.log([a!])))) : null,
    ],
  },
  maximum: { backward: extremumPair(true) },
  minimum: { backward: extremumPair(false) },
  neg: { backward: (g) => [neg(g)] },
  exp: { backward: (g, { output }) => [mul(g, output)] },
  log: { backward: (g, { inputs: [x] }) => [div(g, x!)] },
  log1p: { backward: (g, { inputs: [x] }) => [div(g, add(x!, 1))] },
  expm1: { backward: (g, { output }) => [mul(g, add(output, 1))] },
  sqrt: { backward: (g, { output }) => [div(g, mul(output, 2))] },
  abs: { backward: (g, { inputs: [x] }) => [mul(g, P.sign([x!]))] },
  square: { backward: (g, { inputs: [x] }) => [mul(g, mul(x!, 2))] },
  sigmoid: { backward: (g, { output }) => [mul(g, mul(output, sub(1, output)))] },
  logSigmoid: { backward: (g, { inputs: [x] }) => [mul(g, P.sigmoid([neg(x!)]))] },
  softplus: { backward: (g, { inputs: [x] }) => [mul(g, P.sigmoid([x!]))] },
  tanh: { backward: (g, { output }) => [mul(g, sub(1, mul(output, output)))] },
  // One fused pass `x > 0 ? g : 0` for the first order; relu'' = 0, so x gets no second-order term.
  relu: {
    fused: {
      kernel: (g, { inputs: [x] }) => kernels.reluGrad([g, x!]),
      composite: (g, { inputs: [x] }) => select(greater(x!, 0), g, 0),
    },
  },
  // p·x^(p−1), with p = 0 and p = 1 handled exactly so no 0^(−1) ever forms.
  powScalar: {
    backward: (g, { inputs: [x], attrs: { p } }) => {
      if (p === 0) return [mul(g, 0)];
      if (p === 1) return [g];
      if (p === 2) return [mul(g, mul(x!, 2))];
      return [mul(g, mul(P.powScalar([x!], { p: p - 1 }), p))];
    },
  },
  where: {
    backward: (g, { inputs: [c], needsInputGrad: [, na, nb] }) => [null, na ? select(c!, g, 0) : null, nb ? select(c!, 0, g) : null],
  },
  // The gradient passes where min <= x <= max (inclusive, as PyTorch's clamp).
  clip: {
    check: (_, { min, max }) => {
      if (!(min <= max)) throw new ValueError('clip', 'min', `expected min <= max, got min=${min}, max=${max}`);
    },
    backward: (g, { inputs: [x], attrs: { min, max } }) => [mul(g, P.logicalAnd([P.greaterEqual([x!, min]), P.lessEqual([x!, max])]))],
  },
  sum: { backward: (g, { inputs: [x], attrs }) => [P.broadcastTo([expandBack(g, x!, attrs.axes)], { shape: x!.shape.slice() })] },
  max: { backward: extremumBackward },
  min: { backward: extremumBackward },
  // g ⊙ softmax(x) over the reduced axes, formed as e / Σe with e = exp(x − m) for a constant shift
  // m = max(x). Not exp(x − output): the output is rounded to x's dtype, and at |x| ~ 1e4 in float32
  // that rounding (up to 4.9e-4) would go straight into the gradient (0.49989 for 0.5).
  logSumExp: {
    backward: (g, { inputs: [x], attrs }) => {
      const e = exp(sub(x!, constantMax(x!, attrs.axes)));
      return [mul(expandBack(g, x!, attrs.axes), div(e, sumKeep(e, attrs.axes)))];
    },
  },
  // y ⊙ (g − Σ g⊙y)
  softmax: { backward: (g, { output, attrs: { axis } }) => [mul(output, sub(g, sumKeep(mul(g, output), [axis])))] },
  // g − softmax ⊙ Σ g: one fused pass over g and the output for the first order.
  logSoftmax: {
    fused: {
      kernel: (g, { output, attrs }) => kernels.logSoftmaxGrad([g, output], attrs),
      composite: (g, { output, attrs: { axis } }) => sub(g, mul(exp(output), sumKeep(g, [axis]))),
    },
  },
  identity: { backward: (g) => [g] },
  clone: { backward: (g) => [g] },
  reshape: { backward: (g, { inputs: [x] }) => [reshape(g, x!.shape)] },
  // Autograd sums the gradient back to x's shape.
  broadcastTo: { check: ([x], { shape }) => assertBroadcastableTo(x!.shape, shape, 'broadcastTo', 'x'), backward: (g) => [g] },
  permute: {
    backward: (g, { attrs: { perm } }) => {
      const inv = new Array<number>(perm.length);
      perm.forEach((p, i) => (inv[p] = i));
      return [P.permute([g], { perm: inv })];
    },
  },
  concat: {
    backward: (g, { inputs, attrs: { axis }, needsInputGrad }) => {
      let start = 0;
      return inputs.map((t, i) => {
        const begin = t.shape.map(() => 0);
        begin[axis] = start;
        start += t.shape[axis]!;
        return needsInputGrad[i] ? P.slice([g], { begin, size: t.shape.slice() }) : null;
      });
    },
  },
  slice: {
    backward: (g, { inputs: [x], attrs: { begin, size } }) => [
      P.pad([g], { paddings: begin.map((b, d) => [b, x!.shape[d]! - b - size[d]!] as [number, number]), value: 0 }),
    ],
  },
  pad: { backward: (g, { inputs: [x], attrs: { paddings } }) => [P.slice([g], { begin: paddings.map((p) => p[0]), size: x!.shape.slice() })] },
  gather: { backward: (g, { inputs: [x, idx], attrs: { axis } }) => [P.scatterAdd([g, idx!], { axis, dimSize: x!.shape[axis]! }), null] },
  scatterAdd: { backward: (g, { inputs: [, idx], attrs: { axis } }) => [P.gather([g, idx!], { axis }), null] },
  // Autograd casts the gradient back to the input's dtype.
  astype: { backward: (g) => [g] },
  // Batch-broadcast gradients are summed back to each input's shape by autograd. In 2-D the
  // transposed operands are read in place by matmulT instead of being materialised.
  matmul: {
    check: checkMatmul,
    backward: (g, { inputs: [a, b], needsInputGrad: [na, nb] }) =>
      a!.ndim === 2 && b!.ndim === 2
        ? [na ? matmulT(g, b!, false, true) : null, nb ? matmulT(a!, g, true, false) : null]
        : [na ? P.matmul([g, mT(b!)]) : null, nb ? P.matmul([mT(a!), g]) : null],
  },
  // C = op(A)·op(B): every VJP of a transposed product is another transposed product, so matmulT is
  // closed under differentiation.
  matmulT: {
    check: ([a, b], { transA, transB }) => {
      if (a!.ndim !== 2 || b!.ndim !== 2) throw new ShapeError('matmulT', a!.ndim !== 2 ? 'a' : 'b', 'expected a 2-D tensor');
      const k = transA ? a!.shape[0]! : a!.shape[1]!;
      const kb = transB ? b!.shape[1]! : b!.shape[0]!;
      if (k !== kb) {
        throw new ShapeError('matmulT', 'b', `expected inner dimension ${k} (a of shape ${fmtShape(a!.shape)}, transA=${transA}), got ${kb} (shape ${fmtShape(b!.shape)}, transB=${transB})`);
      }
    },
    backward: (g, { inputs: [a, b], attrs: { transA, transB }, needsInputGrad: [na, nb] }) => [
      na ? (transA ? matmulT(b!, g, transB, true) : matmulT(g, b!, false, !transB)) : null, // dA = op(B)·Gᵀ or G·op(B)ᵀ
      nb ? (transB ? matmulT(g, a!, true, transA) : matmulT(a!, g, !transA, false)) : null, // dB = Gᵀ·op(A) or op(A)ᵀ·G
    ],
  },
  // x @ wᵀ (+ b) for a 2-D x: inputs [x, w] or [x, w, b].
  linear: {
    check: ([x, w, b]) => {
      if (x!.ndim !== 2 || w!.ndim !== 2) throw new ShapeError('linear', x!.ndim !== 2 ? 'x' : 'weight', 'expected a 2-D tensor');
      if (x!.shape[1] !== w!.shape[1]) {
        throw new ShapeError('linear', 'x', `expected a last dimension of ${w!.shape[1]} (weight shape ${fmtShape(w!.shape)}), got shape ${fmtShape(x!.shape)}`);
      }
      if (b !== undefined && (b.ndim !== 1 || b.shape[0] !== w!.shape[0])) {
        throw new ShapeError('linear', 'bias', `expected shape [${w!.shape[0]}] (weight shape ${fmtShape(w!.shape)}), got ${fmtShape(b.shape)}`);
      }
    },
    backward: (g, { inputs, needsInputGrad }) => [
      needsInputGrad[0] ? matmulT(g, inputs[1]!, false, false) : null, // [N, out]·[out, in]
      needsInputGrad[1] ? matmulT(g, inputs[0]!, true, false) : null, // [N, out]ᵀ·[N, in]
      inputs.length > 2 && needsInputGrad[2] ? P.sum([g], { axes: [0], keepDims: false }) : null,
    ],
  },
  sign: 'nonDifferentiable',
  greater: 'nonDifferentiable',
  greaterEqual: 'nonDifferentiable',
  less: 'nonDifferentiable',
  lessEqual: 'nonDifferentiable',
  equal: 'nonDifferentiable',
  notEqual: 'nonDifferentiable',
  logicalAnd: 'nonDifferentiable',
  logicalOr: 'nonDifferentiable',
  argmax: 'nonDifferentiable',
};

/** The op of every primitive. */
export type PrimitiveOps = { readonly [K in PrimitiveName]: Op<PrimitiveAttrs[K]> };

/** Each primitive's spec, so that a change of kernel rebinds its forward once (not a lookup per call). */
const specs = new Map<PrimitiveName, OpSpec<unknown>>();

function build(): PrimitiveOps {
  const ops: Record<string, Op<unknown>> = {};
  for (const name of Object.keys(rules) as PrimitiveName[]) {
    const rule = rules[name] as Rule<unknown> | 'nonDifferentiable';
    const forward = kernels[name] as Kernel<unknown>;
    let spec: OpSpec<unknown>;
    if (rule === 'nonDifferentiable') spec = { name, forward, nonDifferentiable: true };
    else {
      spec = 'fused' in rule ? fusedOpSpec({ name, forward, gradients: [rule.fused] }) : { name, forward, backward: rule.backward };
      if (rule.check) spec.check = rule.check;
    }
    specs.set(name, spec);
    ops[name] = defineOp(spec);
  }
  // A copy by spread: the loop above leaves `ops` in V8's dictionary mode (slow property reads on
  // every op call); the spread copy has fast properties.
  return { ...ops } as unknown as PrimitiveOps;
}

/** The primitive ops, built from {@link rules} and the active kernels. */
export const P: PrimitiveOps = build();

onKernelChange((name) => {
  const spec = specs.get(name as PrimitiveName);
  if (spec) spec.forward = kernels[name] as Kernel<unknown>;
});

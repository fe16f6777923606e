/**
 * The closed list of primitives: every built-in op that has a kernel, with the type of its
 * attributes. Two tables are mapped over it — the kernels of a backend (`Kernels`, below) and the
 * backward rules (`ops/primitives.ts`) — so a primitive without a kernel or without a rule (or an
 * explicit `nonDifferentiable` declaration) fails to compile, and neither table can hold a name
 * that is not listed here.
 */
import type { DType } from '../dtype.js';
import type { Tensor } from '../tensor.js';

/** Attributes of a reduction: sorted normalised axes and whether they are kept as 1s. */
export interface ReduceAttrs {
  axes: number[];
  keepDims: boolean;
}
/** Attributes of an op along one axis (the softmax family). */
export interface AxisAttrs {
  axis: number;
}
/** Attributes of argmax / argmin (one kernel, `max` chooses). */
export interface ArgAttrs {
  axis: number;
  keepDims: boolean;
  max: boolean;
}
/** Attributes of reshape and broadcastTo. */
export interface ShapeAttrs {
  shape: number[];
}
/** Attributes of permute. */
export interface PermAttrs {
  perm: number[];
}
/** Attributes of concat. */
export interface ConcatAttrs {
  axis: number;
}
/** Attributes of slice. */
export interface SliceAttrs {
  begin: number[];
  size: number[];
}
/** Attributes of pad. */
export interface PadAttrs {
  paddings: [number, number][];
  value: number;
}
/** Attributes of gather and scatterAdd. */
export interface GatherAttrs {
  axis: number;
  /** scatterAdd only: the size of `axis` in the result. */
  dimSize?: number;
}
/** Attributes of astype. */
export interface CastAttrs {
  dtype: DType;
}
/** Attributes of clip. */
export interface ClipAttrs {
  min: number;
  max: number;
}
/** Attributes of powScalar. */
export interface PowScalarAttrs {
  p: number;
}
/** Attributes of matmulT: whether each stored operand is read transposed. */
export interface MatmulTAttrs {
  transA: boolean;
  transB: boolean;
}

/** Every primitive's name and the type of its attributes. */
export interface PrimitiveAttrs {
  add: void; sub: void; mul: void; div: void; pow: void; maximum: void; minimum: void;
  neg: void; exp: void; log: void; log1p: void; expm1: void; sqrt: void; abs: void; square: void;
  sigmoid: void; logSigmoid: void; softplus: void; tanh: void; relu: void; powScalar: PowScalarAttrs;
  where: void; clip: ClipAttrs;
  sum: ReduceAttrs; max: ReduceAttrs; min: ReduceAttrs; logSumExp: ReduceAttrs;
  softmax: AxisAttrs; logSoftmax: AxisAttrs;
  identity: void; clone: void; reshape: ShapeAttrs; broadcastTo: ShapeAttrs; permute: PermAttrs;
  concat: ConcatAttrs; slice: SliceAttrs; pad: PadAttrs; gather: GatherAttrs; scatterAdd: GatherAttrs;
  astype: CastAttrs; matmul: void; matmulT: MatmulTAttrs; linear: void;
  // No gradient: the outputs are signs, masks or indices.
  sign: void; greater: void; greaterEqual: void; less: void; lessEqual: void; equal: void; notEqual: void;
  logicalAnd: void; logicalOr: void; argmax: ArgAttrs;
}

/** The name of a primitive. */
export type PrimitiveName = keyof PrimitiveAttrs;

/** The primitives whose outputs carry no gradient. */
export type NonDifferentiable =
  | 'sign' | 'greater' | 'greaterEqual' | 'less' | 'lessEqual' | 'equal' | 'notEqual' | 'logicalAnd' | 'logicalOr' | 'argmax';

/**
 * The kernels a backend provides: one per primitive, plus the first-order gradient kernels of the
 * primitives that are fused ops (`relu`'s mask, `logSoftmax`'s row update).
 */
export interface KernelAttrs extends PrimitiveAttrs {
  reluGrad: void;
  logSoftmaxGrad: AxisAttrs;
}

/** A kernel: computes an op's output from its input values (no autograd involved). */
export type Kernel<A> = (inputs: readonly Tensor[], attrs: A) => Tensor;

/** A complete set of kernels, one per name in {@link KernelAttrs}. */
export type Kernels = { readonly [K in keyof KernelAttrs]: Kernel<KernelAttrs[K]> };

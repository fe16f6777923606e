/**
 * The table of built-in primitives, keyed by name (jax-js's `jvpRules` pattern). The mapped types
 * make a differentiable primitive without a backward rule a compile error, and every name listed in
 * `PrimitiveAttrs` must have a definition. Composite ops (mean, stack, transpose, ...) are built
 * from these and need no rule of their own.
 */
import type { OpSpec } from '../op.js';
import { binarySpecs } from './binary.js';
import { clipSpec, compareSpecs, whereSpec, type ClipAttrs } from './compare.js';
import { linearSpec, matmulTSpec, type MatmulTAttrs } from './linear.js';
import { matmulSpec } from './matmul.js';
import { argSpec, logSoftmaxGradSpec, reduceSpecs, type ArgAttrs, type AxisAttrs, type ReduceAttrs } from './reduce.js';
import {
  shapeSpecs,
  type CastAttrs,
  type ConcatAttrs,
  type GatherAttrs,
  type PadAttrs,
  type PermAttrs,
  type ShapeAttrs,
  type SliceAttrs,
} from './shape.js';
import { powScalarSpec, reluGradSpec, unarySpecs, type PowScalarAttrs } from './unary.js';

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
  astype: CastAttrs; matmul: void; matmulT: MatmulTAttrs; linear: void; reluGrad: void; logSoftmaxGrad: AxisAttrs;
  // No gradient: outputs are masks, signs or indices.
  sign: void; greater: void; greaterEqual: void; less: void; lessEqual: void; equal: void; notEqual: void;
  logicalAnd: void; logicalOr: void; argmax: ArgAttrs;
}

/** Primitives whose outputs carry no gradient. */
export type NonDifferentiable =
  | 'sign' | 'greater' | 'greaterEqual' | 'less' | 'lessEqual' | 'equal' | 'notEqual' | 'logicalAnd' | 'logicalOr' | 'argmax';

type WithRule<A> = OpSpec<A> & { backward: NonNullable<OpSpec<A>['backward']> };

/** The table type: a rule is required for every differentiable primitive. */
export type PrimitiveTable = { [K in Exclude<keyof PrimitiveAttrs, NonDifferentiable>]: WithRule<PrimitiveAttrs[K]> } & {
  [K in NonDifferentiable]: OpSpec<PrimitiveAttrs[K]>;
};

export const primitives: PrimitiveTable = {
  ...binarySpecs,
  ...unarySpecs,
  powScalar: powScalarSpec,
  ...compareSpecs,
  where: whereSpec,
  clip: clipSpec,
  ...reduceSpecs,
  argmax: argSpec,
  ...shapeSpecs,
  matmul: matmulSpec,
  matmulT: matmulTSpec,
  linear: linearSpec,
  reluGrad: reluGradSpec,
  logSoftmaxGrad: logSoftmaxGradSpec,
};

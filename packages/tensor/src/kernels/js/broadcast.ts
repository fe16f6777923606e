/**
 * Broadcasting binary kernels (arithmetic, comparisons, logical ops) and `where`. Each supplies the
 * inner row loop; `binaryMap` walks the NumPy broadcast of the operands around it.
 */
import { type DType, allocate, promote } from '../../dtype.js';
import { broadcastShapes, shapesEqual, sizeOf } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { binaryMap, broadcastKernel, type BinaryRow } from '../binary.js';
import type { Kernel, Kernels } from '../signature.js';

const floatOf = (a: DType, b: DType): DType => {
  const d = promote(a, b);
  return d === 'int32' ? 'float32' : d;
};

function binary(name: string, dtype: (a: DType, b: DType) => DType, row: BinaryRow): Kernel<void> {
  return ([a, b]) => binaryMap(a!, b!, dtype(a!.dtype, b!.dtype), name, row);
}

/** A comparison or logical op: an int32 mask of 0s and 1s. */
function mask(name: string, row: BinaryRow): Kernel<void> {
  return ([a, b]) => binaryMap(a!, b!, 'int32', name, row);
}

export const broadcastKernels = {
  add: binary('add', promote, (o, a, b, n, ao, as, bo, bs, oo) => {
    for (let k = 0; k < n; k++) o[oo + k] = a[ao + k * as]! + b[bo + k * bs]!;
  }),
  sub: binary('sub', promote, (o, a, b, n, ao, as, bo, bs, oo) => {
    for (let k = 0; k < n; k++) o[oo + k] = a[ao + k * as]! - b[bo + k * bs]!;
  }),
  mul: binary('mul', promote, (o, a, b, n, ao, as, bo, bs, oo) => {
    for (let k = 0; k < n; k++) o[oo + k] = a[ao + k * as]! * b[bo + k * bs]!;
  }),
  div: binary('div', floatOf, (o, a, b, n, ao, as, bo, bs, oo) => {
    for (let k = 0; k < n; k++) o[oo + k] = a[ao + k * as]! / b[bo + k * bs]!;
  }),
  pow: binary('pow', floatOf, (o, a, b, n, ao, as, bo, bs, oo) => {
    for (let k = 0; k < n; k++) o[oo + k] = Math.pow(a[ao + k * as]!, b[bo + k * bs]!);
  }),
  maximum: binary('maximum', promote, (o, a, b, n, ao, as, bo, bs, oo) => {
    for (let k = 0; k < n; k++) {
      const x = a[ao + k * as]!;
      const y = b[bo + k * bs]!;
      o[oo + k] = x > y || Number.isNaN(x) ? x : y;
    }
  }),
  minimum: binary('minimum', promote, (o, a, b, n, ao, as, bo, bs, oo) => {
    for (let k = 0; k < n; k++) {
      const x = a[ao + k * as]!;
      const y = b[bo + k * bs]!;
      o[oo + k] = x < y || Number.isNaN(x) ? x : y;
    }
  }),
  greater: mask('greater', (o, a, b, n, ao, as, bo, bs, oo) => {
    for (let k = 0; k < n; k++) o[oo + k] = a[ao + k * as]! > b[bo + k * bs]! ? 1 : 0;
  }),
  greaterEqual: mask('greaterEqual', (o, a, b, n, ao, as, bo, bs, oo) => {
    for (let k = 0; k < n; k++) o[oo + k] = a[ao + k * as]! >= b[bo + k * bs]! ? 1 : 0;
  }),
  less: mask('less', (o, a, b, n, ao, as, bo, bs, oo) => {
    for (let k = 0; k < n; k++) o[oo + k] = a[ao + k * as]! < b[bo + k * bs]! ? 1 : 0;
  }),
  lessEqual: mask('lessEqual', (o, a, b, n, ao, as, bo, bs, oo) => {
    for (let k = 0; k < n; k++) o[oo + k] = a[ao + k * as]! <= b[bo + k * bs]! ? 1 : 0;
  }),
  equal: mask('equal', (o, a, b, n, ao, as, bo, bs, oo) => {
    for (let k = 0; k < n; k++) o[oo + k] = a[ao + k * as]! === b[bo + k * bs]! ? 1 : 0;
  }),
  notEqual: mask('notEqual', (o, a, b, n, ao, as, bo, bs, oo) => {
    for (let k = 0; k < n; k++) o[oo + k] = a[ao + k * as]! !== b[bo + k * bs]! ? 1 : 0;
  }),
  logicalAnd: mask('logicalAnd', (o, a, b, n, ao, as, bo, bs, oo) => {
    for (let k = 0; k < n; k++) o[oo + k] = a[ao + k * as]! !== 0 && b[bo + k * bs]! !== 0 ? 1 : 0;
  }),
  logicalOr: mask('logicalOr', (o, a, b, n, ao, as, bo, bs, oo) => {
    for (let k = 0; k < n; k++) o[oo + k] = a[ao + k * as]! !== 0 || b[bo + k * bs]! !== 0 ? 1 : 0;
  }),
  where: ([c, a, b]) => {
    let shape = broadcastShapes(c!.shape, a!.shape, 'where', 'condition', 'a');
    shape = broadcastShapes(shape, b!.shape, 'where', 'a', 'b');
    // A one-element operand (`where(c, g, 0)`, the common case) is read with stride 0 instead of
    // being materialised; other broadcasts are expanded.
    const n = sizeOf(shape);
    const expand = (t: Tensor): Tensor => (shapesEqual(t.shape, shape) || t.size === 1 ? t : broadcastKernel(t, shape));
    const cd = expand(c!).data;
    const ad = expand(a!).data;
    const bd = expand(b!).data;
    const cs = cd.length === n ? 1 : 0;
    const as = ad.length === n ? 1 : 0;
    const bs = bd.length === n ? 1 : 0;
    const out = allocate(promote(a!.dtype, b!.dtype), n);
    for (let i = 0, ci = 0, ai = 0, bi = 0; i < n; i++, ci += cs, ai += as, bi += bs) out[i] = cd[ci] !== 0 ? ad[ai]! : bd[bi]!;
    return new Tensor(out, shape);
  },
} satisfies Pick<Kernels, 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'greater' | 'greaterEqual' | 'less' | 'lessEqual' | 'equal' | 'notEqual' | 'logicalAnd' | 'logicalOr' | 'where'>;

/**
 * Layout kernels: views that share the data (identity, reshape), copies (clone, permute,
 * broadcastTo, concat, slice, pad), indexing (gather and its adjoint scatterAdd) and casts.
 */
import { type DType, allocate } from '../../dtype.js';
import { castArray } from '../../convert.js';
import { sizeOf, splitAround, stridesOf } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { broadcastKernel } from '../binary.js';
import type { Kernels } from '../signature.js';
import { collapse, forEachRow3 } from '../strided.js';

/** Copies `x` into a new contiguous layout where dimension d of the result reads x with `srcStrides[d]`. */
function gatherStrided(x: Tensor, shape: readonly number[], srcStrides: readonly number[], offset: number, dtype: DType = x.dtype): Tensor {
  const n = sizeOf(shape);
  const out = allocate(dtype, n);
  if (n > 0) {
    const xd = x.data;
    const c = collapse(shape, [srcStrides.slice(), new Array<number>(shape.length).fill(0)]);
    forEachRow3(c.shape, c.strides[0]!, c.strides[1]!, (len, xo, xs, _b, _bs, oo) => {
      const base = xo + offset;
      if (xs === 1) out.set(xd.subarray(base, base + len), oo);
      else for (let k = 0; k < len; k++) out[oo + k] = xd[base + k * xs]!;
    });
  }
  return new Tensor(out, shape.slice());
}

export const layoutKernels = {
  identity: ([x]) => new Tensor(x!.data, x!.shape),
  clone: ([x]) => new Tensor(x!.data.slice(), x!.shape),
  reshape: ([x], { shape }) => new Tensor(x!.data, shape),
  broadcastTo: ([x], { shape }) => broadcastKernel(x!, shape),
  permute: ([x], { perm }) => {
    const st = stridesOf(x!.shape);
    return gatherStrided(x!, perm.map((p) => x!.shape[p]!), perm.map((p) => st[p]!), 0);
  },
  concat: (xs, { axis }) => {
    const first = xs[0]!;
    const shape = first.shape.slice();
    shape[axis] = xs.reduce((s, t) => s + t.shape[axis]!, 0);
    let outer = 1;
    for (let i = 0; i < axis; i++) outer *= shape[i]!;
    const rowOut = sizeOf(shape.slice(axis));
    let dtype = first.dtype;
    for (const t of xs) if (t.dtype !== dtype) dtype = t.dtype === 'float64' || dtype === 'float64' ? 'float64' : 'float32';
    const out = allocate(dtype, outer * rowOut);
    let off = 0;
    for (const t of xs) {
      const row = sizeOf(t.shape.slice(axis));
      const td = t.data;
      for (let o = 0; o < outer; o++) out.set(td.subarray(o * row, (o + 1) * row), o * rowOut + off);
      off += row;
    }
    return new Tensor(out, shape);
  },
  slice: ([x], { begin, size }) => {
    const st = stridesOf(x!.shape);
    let offset = 0;
    for (let d = 0; d < begin.length; d++) offset += begin[d]! * st[d]!;
    return gatherStrided(x!, size, st, offset);
  },
  pad: ([x], { paddings, value }) => {
    const shape = x!.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
    const out = allocate(x!.dtype, sizeOf(shape));
    if (value !== 0) out.fill(value);
    const ost = stridesOf(shape);
    let offset = 0;
    for (let d = 0; d < shape.length; d++) offset += paddings[d]![0] * ost[d]!;
    const xd = x!.data;
    if (x!.size > 0) {
      // Walk x contiguously, writing into the padded output with the output's strides.
      const c = collapse(x!.shape, [ost, new Array<number>(shape.length).fill(0)]);
      forEachRow3(c.shape, c.strides[0]!, c.strides[1]!, (len, oo, os, _b, _bs, xo) => {
        for (let k = 0; k < len; k++) out[offset + oo + k * os] = xd[xo + k]!;
      });
    }
    return new Tensor(out, shape);
  },
  gather: ([x, idx], { axis }) => {
    const [outer, n, inner] = splitAround(x!.shape, axis);
    const id = idx!.data;
    const xd = x!.data;
    const m = id.length;
    const out = allocate(x!.dtype, outer * m * inner);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < m; j++) {
        const src = (o * n + id[j]!) * inner;
        out.set(xd.subarray(src, src + inner), (o * m + j) * inner);
      }
    }
    return new Tensor(out, [...x!.shape.slice(0, axis), ...idx!.shape, ...x!.shape.slice(axis + 1)]);
  },
  scatterAdd: ([src, idx], { axis, dimSize }) => {
    const m = idx!.size;
    const shape = [...src!.shape.slice(0, axis), dimSize!, ...src!.shape.slice(axis + idx!.ndim)];
    const [outer, n, inner] = splitAround(shape, axis);
    const id = idx!.data;
    const sd = src!.data;
    const out = allocate(src!.dtype, sizeOf(shape));
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < m; j++) {
        const dst = (o * n + id[j]!) * inner;
        const from = (o * m + j) * inner;
        for (let k = 0; k < inner; k++) out[dst + k] = out[dst + k]! + sd[from + k]!;
      }
    }
    return new Tensor(out, shape);
  },
  astype: ([x], { dtype }) => new Tensor(castArray(x!.data, dtype, true), x!.shape),
} satisfies Pick<Kernels, 'identity' | 'clone' | 'reshape' | 'broadcastTo' | 'permute' | 'concat' | 'slice' | 'pad' | 'gather' | 'scatterAdd' | 'astype'>;

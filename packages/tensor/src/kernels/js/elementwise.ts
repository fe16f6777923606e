/**
 * Elementwise kernels: one loop per op over the input's typed array. Float ops compute an int32
 * input in float32; sign-preserving ops (neg, abs, sign, square) keep int32.
 */
import { type DType, type TypedArray, allocate, promote } from '../../dtype.js';
import { Tensor } from '../../tensor.js';
import { binaryMap } from '../binary.js';
import type { Kernel, Kernels } from '../signature.js';

type Loop = (x: TypedArray, out: TypedArray, n: number) => void;

function unary(loop: Loop, keepInt = false): Kernel<void> {
  return ([x]) => {
    const dtype: DType = x!.dtype === 'int32' && !keepInt ? 'float32' : x!.dtype;
    const out = allocate(dtype, x!.size);
    loop(x!.data, out, x!.size);
    return new Tensor(out, x!.shape);
  };
}

export const elementwiseKernels = {
  neg: unary((x, o, n) => {
    for (let i = 0; i < n; i++) o[i] = -x[i]!;
  }, true),
  exp: unary((x, o, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.exp(x[i]!);
  }),
  log: unary((x, o, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.log(x[i]!);
  }),
  log1p: unary((x, o, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.log1p(x[i]!);
  }),
  expm1: unary((x, o, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.expm1(x[i]!);
  }),
  sqrt: unary((x, o, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.sqrt(x[i]!);
  }),
  abs: unary((x, o, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.abs(x[i]!);
  }, true),
  sign: unary((x, o, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.sign(x[i]!);
  }, true),
  square: unary((x, o, n) => {
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      o[i] = v * v;
    }
  }, true),
  sigmoid: unary((x, o, n) => {
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      // Branch on the sign so exp never overflows.
      if (v >= 0) o[i] = 1 / (1 + Math.exp(-v));
      else {
        const e = Math.exp(v);
        o[i] = e / (1 + e);
      }
    }
  }),
  logSigmoid: unary((x, o, n) => {
    // log σ(x) = -softplus(-x) = min(x, 0) - log1p(exp(-|x|)): finite for every finite x.
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      o[i] = Math.min(v, 0) - Math.log1p(Math.exp(-Math.abs(v)));
    }
  }),
  softplus: unary((x, o, n) => {
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      o[i] = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
    }
  }),
  tanh: unary((x, o, n) => {
    for (let i = 0; i < n; i++) o[i] = Math.tanh(x[i]!);
  }),
  relu: unary((x, o, n) => {
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      // NaN propagates (as in PyTorch, JAX and TF.js) rather than silently becoming 0.
      o[i] = v > 0 || v !== v ? v : 0;
    }
  }, true),
  powScalar: ([x], { p }) => {
    const n = x!.size;
    const xd = x!.data;
    const out = allocate(x!.dtype === 'int32' && !(Number.isInteger(p) && p >= 0) ? 'float32' : x!.dtype, n);
    if (p === 2) for (let i = 0; i < n; i++) out[i] = xd[i]! * xd[i]!;
    else if (p === 0.5) for (let i = 0; i < n; i++) out[i] = Math.sqrt(xd[i]!);
    else for (let i = 0; i < n; i++) out[i] = Math.pow(xd[i]!, p);
    return new Tensor(out, x!.shape);
  },
  clip: ([x], { min, max }) => {
    const xd = x!.data;
    const out = allocate(x!.dtype, xd.length);
    for (let i = 0; i < xd.length; i++) {
      const v = xd[i]!;
      out[i] = v < min ? min : v > max ? max : v;
    }
    return new Tensor(out, x!.shape);
  },
  // relu's gradient: `x > 0 ? g : 0` in one pass (0 where x is NaN).
  reluGrad: ([g, x]) =>
    binaryMap(g!, x!, promote(g!.dtype, x!.dtype), 'reluGrad', (o, a, b, n, ao, as, bo, bs, oo) => {
      for (let k = 0; k < n; k++) o[oo + k] = b[bo + k * bs]! > 0 ? a[ao + k * as]! : 0;
    }),
} satisfies Pick<
  Kernels,
  'neg' | 'exp' | 'log' | 'log1p' | 'expm1' | 'sqrt' | 'abs' | 'sign' | 'square' | 'sigmoid' | 'logSigmoid' | 'softplus' | 'tanh' | 'relu' | 'powScalar' | 'clip' | 'reluGrad'
>;

/**
 * Finite-difference checks of analytic gradients, in float64: the full Jacobian for small problems
 * and random-direction checks (JAX's `check_grads`, HIPS autograd's `check_vjp`) for large ones.
 */
import { FocalgradError } from './errors.js';
import { toTensor } from './convert.js';
import { Tensor, type TensorLike } from './tensor.js';
import { vjp } from './autograd/functional.js';
import { Rng } from './rng.js';
import { concat, flatten } from './ops/shape.js';
import { checkOptions } from './options.js';

/**
 * Options of {@link gradcheck} and {@link gradgradcheck}.
 *
 * @example
 * ```ts
 * gradcheck(f, [x], { eps: 1e-6, atol: 1e-6, rtol: 1e-4, raise: true });
 * ```
 */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5; 1e-12 with `relative`, a floor for finite-difference noise). */
  atol?: number;
  /** Relative tolerance, against the numerical value (default 1e-3). */
  rtol?: number;
  /** Use the full Jacobian when inputs × outputs is at most this (default 4096); else random directions. */
  fullJacobianLimit?: number;
  /** Random directions to test in the large case (default 6). */
  directions?: number;
  /** Seed of the random directions and cotangents (default 0). */
  seed?: number;
  /** Indices of the inputs to differentiate (default: every float input). Others are held fixed. */
  wrt?: readonly number[];
  /** Throw a {@link GradcheckError} on failure instead of returning the report (default false). */
  raise?: boolean;
  /**
   * Judge each entry by relative error, `|analytic − numerical| ≤ atol + rtol · max(|analytic|,
   * |numerical|)` with `atol` only a noise floor (default 1e-12) (default false). The default
   * mixed test passes any gradient smaller than its `atol` of 1e-5,
   * so it cannot see a backward that returns 0 in a tail where the true gradient is 1e-7; this mode
   * can (pair it with `reference: 'fivePoint'` so the numerical side is accurate there).
   */
  relative?: boolean;
  /**
   * The dtype the analytic gradient is computed in (default `'float64'`). `'float32'` runs `f` and
   * its backward on float32 copies of the inputs — the path users train with — and compares with
   * the float64 finite differences; loosen `rtol` to float32's precision (about 1e-4).
   */
  evalDtype?: 'float64' | 'float32';
  /**
   * The finite-difference stencil (default `'central'`, error O(eps²)). `'fivePoint'` is the
   * fourth-order stencil `[f(x−2h) − 8f(x−h) + 8f(x+h) − f(x+2h)] / 12h` (error O(eps⁴)), a
   * high-precision reference; use it with `eps` near 1e-3.
   */
  reference?: 'central' | 'fivePoint';
}

/**
 * The outcome of a gradient check, naming the worst element.
 *
 * @example
 * ```ts
 * const r = gradcheck(f, [x]);
 * if (!r.ok) console.log(r.worst);
 * ```
 */
export interface GradcheckReport {
  /** Whether every checked entry was within tolerance. */
  ok: boolean;
  /** `'jacobian'` (every entry) or `'directions'` (random projections). */
  mode: 'jacobian' | 'directions';
  /** How many entries or directions were compared. */
  checked: number;
  /** The largest |analytic − numerical|. */
  maxAbsError: number;
  /** The entry with the largest error relative to its tolerance. */
  worst: {
    /** Which input (position in `inputs`). */
    input: number;
    /** Flat index into that input (or the direction number). */
    index: number;
    /** Flat index into the output (-1 in direction mode). */
    output: number;
    /** The gradient from the backward rules. */
    analytic: number;
    /** The central finite difference. */
    numerical: number;
  } | null;
  /** A one-line summary. */
  message: string;
}

/**
 * Thrown by {@link gradcheck} with `raise: true` when a gradient is wrong; carries the report.
 *
 * @example
 * ```ts
 * try { gradcheck(f, [x], { raise: true }); } catch (e) { if (e instanceof GradcheckError) console.log(e.report); }
 * ```
 */
export class GradcheckError extends FocalgradError {
  /** The failing report. */
  readonly report: GradcheckReport;
  /** @param report - the failing report. */
  constructor(report: GradcheckReport) {
    super('gradcheck', '', report.message);
    this.report = report;
  }
}

const GRADCHECK_OPTIONS = ['eps', 'atol', 'rtol', 'fullJacobianLimit', 'directions', 'seed', 'wrt', 'raise', 'relative', 'evalDtype', 'reference'];

function toF32(t: Tensor): Tensor {
  return new Tensor(Float32Array.from(t.data), t.shape);
}

function toF64(t: Tensor): Tensor {
  const d = new Float64Array(t.size);
  d.set(t.data);
  return new Tensor(d, t.shape);
}

/**
 * Checks the analytic gradient of `f` against central finite differences in float64. Float inputs
 * are copied to float64; int32 inputs (labels, indices) are passed through and not differentiated.
 * `f` may return any shape.
 *
 * @param f - the function to check.
 * @param inputs - the point.
 * @param options - tolerances, mode limits, seed and whether to throw.
 * @returns a report naming the worst element.
 * @example
 * ```ts
 * const x = randn([3, 4], { dtype: 'float64', seed: 0 });
 * const report = gradcheck((x) => logSoftmax(x, -1), [x]);
 * report.ok; // true
 * ```
 */
export function gradcheck(f: (...args: Tensor[]) => Tensor, inputs: readonly TensorLike[], options: GradcheckOptions = {}): GradcheckReport {
  checkOptions('gradcheck', options, GRADCHECK_OPTIONS);
  const { eps = 1e-6, rtol = 1e-3, fullJacobianLimit = 4096, directions = 6, seed = 0, relative = false } = options;
  // Relative mode keeps only a floor for the finite differences' own rounding noise (about
  // 1e-16·|f|/eps), where entries that are exactly 0 (off-diagonal Jacobian entries) are judged.
  const atol = options.atol ?? (relative ? 1e-12 : 1e-5);
  const fivePoint = options.reference === 'fivePoint';
  const xs = inputs.map((x) => {
    const t = toTensor(x);
    return t.dtype === 'int32' ? t : toF64(t);
  });
  /** The numerical derivative at s = 0 of `at(s)`, f at the point moved by s, elementwise. */
  const fd = (at: (s: number) => Float64Array): Float64Array => {
    if (!fivePoint) {
      const p = at(eps);
      const m = at(-eps);
      return p.map((v, j) => (v - m[j]!) / (2 * eps));
    }
    const p1 = at(eps);
    const m1 = at(-eps);
    const p2 = at(2 * eps);
    const m2 = at(-2 * eps);
    return p1.map((v, j) => (m2[j]! - 8 * m1[j]! + 8 * v - p2[j]!) / (12 * eps));
  };
  const diff = xs.map((_, i) => i).filter((i) => xs[i]!.dtype !== 'int32' && (options.wrt?.includes(i) ?? true));
  const call = (d: Tensor[]): Tensor => {
    const args = xs.slice();
    diff.forEach((i, k) => (args[i] = d[k]!));
    return f(...args);
  };
  const evalFlat = (): Float64Array => {
    const out = call(diff.map((i) => xs[i]!));
    const r = new Float64Array(out.size);
    r.set(out.data);
    return r;
  };
  const analyticInputs = diff.map((i) => (options.evalDtype === 'float32' ? toF32(xs[i]!) : xs[i]!));
  const [out, back] = vjp((...d: Tensor[]) => call(d), ...analyticInputs);
  const nOut = out.size;
  const nIn = diff.reduce((s, i) => s + xs[i]!.size, 0);
  const rng = new Rng(seed);

  let worst: GradcheckReport['worst'] = null;
  let worstScore = -1;
  let maxAbs = 0;
  let checked = 0;
  const compare = (input: number, index: number, output: number, analytic: number, numerical: number): void => {
    checked++;
    const err = Math.abs(analytic - numerical);
    const scale = atol + rtol * (relative ? Math.max(Math.abs(analytic), Math.abs(numerical)) : Math.abs(numerical));
    const score = Number.isNaN(err) ? Infinity : err === 0 ? 0 : err / scale;
    if (!(err <= maxAbs)) maxAbs = Number.isNaN(err) ? NaN : Math.max(maxAbs, err);
    if (score > worstScore) {
      worstScore = score;
      worst = { input, index, output, analytic, numerical };
    }
  };

  let mode: GradcheckReport['mode'];
  if (nIn * nOut <= fullJacobianLimit) {
    mode = 'jacobian';
    // Analytic Jacobian rows, one VJP per output element.
    const rows: Float64Array[][] = [];
    for (let j = 0; j < nOut; j++) {
      const e = out.dtype === 'float32' ? new Float32Array(nOut) : new Float64Array(nOut);
      e[j] = 1;
      rows.push(back(new Tensor(e, out.shape)).map((g) => Float64Array.from(g.data)));
    }
    diff.forEach((inputIdx, k) => {
      const xd = xs[inputIdx]!.data;
      for (let i = 0; i < xd.length; i++) {
        const orig = xd[i]!;
        const at = (s: number): Float64Array => {
          xd[i] = orig + s;
          const v = evalFlat();
          xd[i] = orig;
          return v;
        };
        const num = fd(at);
        for (let j = 0; j < nOut; j++) compare(inputIdx, i, j, rows[j]![k]![i]!, num[j]!);
      }
    });
  } else {
    mode = 'directions';
    for (let dir = 0; dir < directions; dir++) {
      const u = new Float64Array(nOut).map(() => rng.normal());
      const grads = back(new Tensor(out.dtype === 'float32' ? Float32Array.from(u) : u, out.shape));
      const vs = diff.map((i) => new Float64Array(xs[i]!.size).map(() => rng.normal()));
      let analytic = 0;
      vs.forEach((v, k) => {
        const g = grads[k]!.data;
        for (let i = 0; i < v.length; i++) analytic += g[i]! * v[i]!;
      });
      const shift = (s: number): number => {
        const saved = diff.map((i) => Float64Array.from(xs[i]!.data));
        diff.forEach((i, k) => {
          const xd = xs[i]!.data;
          for (let j = 0; j < xd.length; j++) xd[j] = saved[k]![j]! + s * vs[k]![j]!;
        });
        const fv = evalFlat();
        diff.forEach((i, k) => xs[i]!.data.set(saved[k]!));
        let dot = 0;
        for (let j = 0; j < nOut; j++) dot += u[j]! * fv[j]!;
        return dot;
      };
      compare(-1, dir, -1, analytic, fd((s) => Float64Array.of(shift(s)))[0]!);
    }
  }
  const ok = worstScore <= 1;
  const w = worst as GradcheckReport['worst'];
  const message = ok
    ? `gradients match (${checked} ${mode === 'jacobian' ? 'entries' : 'directions'}, max abs error ${maxAbs.toExponential(2)})`
    : `gradient mismatch: ${w && w.input >= 0 ? `input ${w.input}, element ${w.index}, output ${w.output}` : `direction ${w?.index}`}: analytic ${w?.analytic} vs numerical ${w?.numerical} (${relative ? 'relative, ' : ''}atol ${atol}, rtol ${rtol})`;
  const report: GradcheckReport = { ok, mode, checked, maxAbsError: maxAbs, worst: w, message };
  if (!ok && options.raise) throw new GradcheckError(report);
  return report;
}

/**
 * Checks second derivatives: runs {@link gradcheck} on the function `(inputs, u) ↦ vjp(f)(u)`, so
 * the backward rules themselves are differentiated (through `createGraph`) and compared against
 * finite differences of the first-order gradients.
 *
 * @param f - the function to check.
 * @param inputs - the point.
 * @param options - as for {@link gradcheck}.
 * @returns a report naming the worst element.
 * @example
 * ```ts
 * const x = randn([5], { dtype: 'float64', seed: 1 });
 * gradgradcheck((x) => sigmoid(x).mul(x), [x]).ok; // true
 * ```
 */
export function gradgradcheck(f: (...args: Tensor[]) => Tensor, inputs: readonly TensorLike[], options: GradcheckOptions = {}): GradcheckReport {
  const xs = inputs.map((x) => {
    const t = toTensor(x);
    return t.dtype === 'int32' ? t : toF64(t);
  });
  const diff = xs.map((_, i) => i).filter((i) => xs[i]!.dtype !== 'int32' && (options.wrt?.includes(i) ?? true));
  const out = f(...xs);
  const rng = new Rng((options.seed ?? 0) + 7919);
  const u = new Tensor(new Float64Array(out.size).map(() => rng.normal()), out.shape);
  const h = (...args: Tensor[]): Tensor => {
    const d = args.slice(0, diff.length);
    const cot = args[diff.length]!;
    const [, back] = vjp((...dd: Tensor[]) => {
      const all = xs.slice();
      diff.forEach((i, k) => (all[i] = dd[k]!));
      return f(...all);
    }, ...d);
    return concat(back(cot).map((g) => flatten(g)));
  };
  const { wrt: _wrt, ...rest } = options;
  return gradcheck(h, [...diff.map((i) => xs[i]!), u], rest);
}

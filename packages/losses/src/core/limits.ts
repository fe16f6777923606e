/**
 * @internal Infinite logits. A logit of ±∞ is a legitimate input (−∞ masks a class out of a
 * softmax; a saturated float32 layer can overflow to ±∞), and the reference implementations
 * answer NaN for most of them (pytorch#135359, tensorflow#75256, optax#896) because their stable
 * formulas form ∞ − ∞ or 0 · ∞. Here every loss returns its limit as the logits go to ±∞: the
 * loss value where that limit is finite, +∞ where the loss grows without bound (a confident wrong
 * answer), and the limits of the gradient and of every higher derivative, which are finite.
 *
 * The limits are taken without touching the kernels: every infinite logit is replaced by a
 * finite stand-in `±M`, far enough beyond every finite logit that each exponentially small term
 * has underflowed to exactly 0, so the kernels and composites already return the limit there.
 * The only quantities that still depend on `M` grow linearly in it; running the kernel again at
 * `2M` finds them (a result that moved is one whose limit is +∞). A softmax row whose limit does
 * not exist — two +∞ logits, or only −∞ logits — is a ValueError.
 *
 * This path costs nothing for finite logits: it is entered only when a kernel's result is not
 * finite, which for finite logits never happens.
 */
import { type Tensor, Tensor as T, ValueError, defineOp, splitAround } from '@focalgrad/tensor';

/** Whether every value is finite (`v − v` is NaN for ±∞ and NaN). */
export function allFinite(d: ArrayLike<number>): boolean {
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v - v !== 0) return false;
  }
  return true;
}

/** The first NaN (or −1), whether any value is infinite, and the largest finite magnitude. */
function scan(d: ArrayLike<number>): { nan: number; infinite: boolean; maxAbs: number } {
  let infinite = false;
  let maxAbs = 0;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v !== v) return { nan: i, infinite, maxAbs };
    if (v === Infinity || v === -Infinity) infinite = true;
    else if (Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
  }
  return { nan: -1, infinite, maxAbs };
}

/** How a loss names and reads its predictions, for the errors and the softmax row check. */
export interface LimitInfo {
  /** The loss's name. */
  readonly op: string;
  /** The predictions' argument name (`yPred`, torchvision's `inputs`). */
  readonly arg: string;
  /** The class axis of a softmax loss, or `null` for an elementwise one. */
  readonly classAxis: number | null;
}

/**
 * The stand-in magnitude `M` for `scale` = 1 or 2: 1e4 beyond the largest finite logit, where
 * `exp(−1e4)` is 0 in both dtypes. Throws when the dtype cannot hold it apart from the finite
 * logits (float32 logits within 2e4 of its largest value).
 */
function standInMagnitude(maxAbs: number, scale: 1 | 2, dtype: string, info: LimitInfo): number {
  const m = maxAbs + scale * 1e4;
  const r = dtype === 'float32' ? Math.fround(m) : m;
  const other = dtype === 'float32' ? Math.fround(maxAbs + (3 - scale) * 1e4) : maxAbs + (3 - scale) * 1e4;
  if (!Number.isFinite(r) || r === other || r - maxAbs < 1e4) {
    throw new ValueError(info.op, info.arg, `has infinite logits next to finite logits of magnitude ${maxAbs}, too close to the largest ${dtype} to take the limit`);
  }
  return r;
}

/** A copy of `x` with ±∞ replaced by ±m. */
function withStandIn(x: Tensor, m: number): Tensor {
  const src = x.data;
  const out = src instanceof Float64Array ? new Float64Array(src.length) : new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    out[i] = v === Infinity ? m : v === -Infinity ? -m : v;
  }
  return new T(out, x.shape.slice());
}

/** Throws unless every softmax row along `axis` has a limit: at most one +∞, and not only −∞. */
function checkSoftmaxRows(x: Tensor, axis: number, info: LimitInfo): void {
  const [outer, K, inner] = splitAround(x.shape, axis);
  const d = x.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * K * inner + i;
      let plus = 0;
      let minus = 0;
      for (let k = 0, idx = base; k < K; k++, idx += inner) {
        if (d[idx] === Infinity) plus++;
        else if (d[idx] === -Infinity) minus++;
      }
      if (plus > 1 || minus === K) {
        const what = plus > 1 ? `${plus} logits of +Infinity` : 'only logits of -Infinity';
        throw new ValueError(info.op, info.arg, `has a row along axis ${axis} with ${what} (starting at flat index ${base}): its softmax has no limit`);
      }
    }
  }
}

/** The stand-in for infinite logits as an op: forward replaces ±∞ by ±m, the gradient passes through. */
const standInOp = defineOp<{ m: number }>({
  name: 'infiniteLogitStandIn',
  forward: ([x], { m }) => withStandIn(x!, m),
  backward: (g) => [g],
});

/**
 * The predictions a composite (second and higher derivatives) is evaluated at: `x` itself when
 * finite, else `x` with its infinite logits at the forward's stand-in, differentiable with the
 * identity gradient, so that the derivatives are the limits.
 */
export function compositeInput(x: Tensor, info: LimitInfo): Tensor {
  if (allFinite(x.data)) return x;
  const s = scan(x.data);
  if (s.nan >= 0 || !s.infinite) return x;
  return standInOp([x], { m: standInMagnitude(s.maxAbs, 1, x.dtype, info) });
}

/**
 * A kernel's forward with infinite logits taken to their limits: `forward` as is when its result
 * is finite; else NaN logits are a ValueError, and infinite ones are evaluated at the stand-ins
 * `±M` (the result and `d`, the limit of the gradient) and `±2M` (the entries that moved are +∞).
 */
export function forwardAtLimits<A>(
  forward: (yt: Tensor, yp: Tensor, attrs: A, d: Float32Array | Float64Array | null) => Tensor,
  yt: Tensor,
  yp: Tensor,
  attrs: A,
  d: Float32Array | Float64Array | null,
  info: LimitInfo,
): Tensor {
  const out = forward(yt, yp, attrs, d);
  if (allFinite(out.data)) return out;
  const s = scan(yp.data);
  if (s.nan >= 0) throw new ValueError(info.op, info.arg, `expected numbers, got NaN at flat index ${s.nan}`);
  // Finite inputs whose true result lies beyond the dtype's range: nothing to take a limit of.
  if (!s.infinite) return out;
  if (info.classAxis !== null) checkSoftmaxRows(yp, info.classAxis, info);
  const m = standInMagnitude(s.maxAbs, 1, yp.dtype, info);
  d?.fill(0);
  const at = forward(yt, withStandIn(yp, m), attrs, d);
  const far = forward(yt, withStandIn(yp, standInMagnitude(s.maxAbs, 2, yp.dtype, info)), attrs, null);
  const r = at.data;
  const f = far.data;
  for (let i = 0; i < r.length; i++) if (r[i] !== f[i]) r[i] = Infinity;
  return at;
}

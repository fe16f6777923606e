/**
 * Reverse-mode autodiff over the graph that ops record. One walk serves both `.backward()`
 * (accumulate into leaves' `.grad`) and the functional transforms (return gradients of chosen
 * tensors). Broadcast gradients are summed to their input's shape here, once, for every op.
 */
import type { TypedArray } from '../dtype.js';
import { ValueError, fmtShape } from '../errors.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { astype, clone, identity, reshape } from '../ops/shape.js';
import { Tensor as TensorClass } from '../tensor.js';
import { isGradEnabled, setGradEnabled } from './mode.js';
import { versionOf } from '../version.js';
import { checkFinite, isAnomalyEnabled } from './anomaly.js';

/** Options of one backward walk. */
export interface WalkOptions {
  retainGraph: boolean;
  createGraph: boolean;
  /**
   * With targets: the {@link releaseClock} reading taken before the targets were made. A node whose
   * release stamp is at most this was released before the targets existed, so it cannot lead to
   * them: the walk treats it as a constant instead of failing on graph it does not need.
   */
  since?: number;
}

/** Counts release events; each released node remembers when, for `WalkOptions.since`. */
let clock = 0;
const releasedAt = new WeakMap<object, number>();

/** @internal The release clock: read it before making a transform's targets. */
export function releaseClock(): number {
  return clock;
}

/** @internal Sums a gradient over the axes that broadcasting added or stretched. */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const s = axes.length ? sum(g, axes, true) : g;
  return reshape(s, shape);
}

/** Whether a gradient of shape `g` sums back to `x` (x broadcasts to g). */
function reducibleTo(g: readonly number[], x: readonly number[]): boolean {
  if (x.length > g.length) return false;
  const lead = g.length - x.length;
  return x.every((d, i) => d === g[lead + i] || d === 1);
}

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`);

/** Reverse topological order of the part of the graph reachable from `roots`. */
function topoOrder(roots: readonly Tensor[], stopAt: ReadonlySet<Tensor> | null, since: number): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, number][] = [];
  for (const r of roots) {
    if (seen.has(r) || !r.requiresGrad) continue;
    seen.add(r);
    stack.push([r, 0]);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [t, i] = top;
      const node = t.node;
      const old = node !== null && node.released && (releasedAt.get(node) ?? Infinity) <= since;
      const expand = node !== null && !(stopAt?.has(t) ?? false) && !old;
      if (expand && node.released) {
        throw new ValueError(
          'backward',
          'graph',
          `through op '${node.op.name}' has already been released by an earlier backward; pass { retainGraph: true } to the first call`,
        );
      }
      if (expand && i < node.inputs.length) {
        top[1] = i + 1;
        const inp = node.inputs[i]!;
        if (inp.requiresGrad && !seen.has(inp)) {
          seen.add(inp);
          stack.push([inp, 0]);
        }
      } else {
        stack.pop();
        order.push(t);
      }
    }
  }
  return order.reverse();
}

/**
 * Runs the backward walk from `roots` seeded with `seeds`. With `targets`, returns their gradients
 * (`null` where unreached) and leaves `.grad` alone; without, accumulates into leaves' `.grad`.
 */
export function runBackward(
  roots: readonly Tensor[],
  seeds: readonly Tensor[],
  opts: WalkOptions,
  targets?: readonly Tensor[],
): (Tensor | null)[] | undefined {
  const targetSet = targets ? new Set(targets) : null;
  const order = topoOrder(roots, targetSet, targetSet ? (opts.since ?? -1) : -1);
  // With targets, only nodes on a path to a target matter.
  let useful: Set<Tensor> | null = null;
  if (targetSet) {
    useful = new Set();
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      if (targetSet.has(t)) useful.add(t);
      else if (t.node?.inputs.some((x) => useful!.has(x))) useful.add(t);
    }
  }
  const grads = new Map<Tensor, Tensor>();
  roots.forEach((r, i) => {
    const s = seeds[i]!;
    const prev = grads.get(r);
    grads.set(r, prev ? add(prev, s) : s);
  });
  const prevMode = setGradEnabled(opts.createGraph);
  try {
    for (const t of order) {
      const node = t.node;
      if (node === null || targetSet?.has(t)) continue;
      const g = grads.get(t);
      if (g === undefined) continue;
      const inputs = node.inputs;
      const needs = inputs.map((x) => x.requiresGrad && (useful === null || useful.has(x)));
      if (!needs.some(Boolean)) continue;
      if (node.op.backward === undefined) {
        throw new ValueError(
          node.op.name,
          'backward',
          "is not defined, so the gradient through this op is unknown; give the op a backward rule, or declare it 'nonDifferentiable: true' if its output carries no gradient",
        );
      }
      for (let i = 0; i < inputs.length; i++) {
        const x = inputs[i]!;
        const then = node.versions[i]!;
        if (then < 0) continue;
        const now = versionOf(x.data);
        if (now !== then) {
          throw new ValueError(
            node.op.name,
            'backward',
            `needs input ${i} (a ${x.dtype} tensor of shape ${fmtShape(x.shape)}), which was modified in place after the op ran: it is at version ${now}, expected version ${node.versions[i]}. Its gradient would be computed from the new values; run backward before the in-place change (an optimizer step, loadStateDict), or compute the forward again`,
          );
        }
      }
      const takeSaved = (): unknown => {
        const r = node.saved;
        node.saved = undefined;
        return r;
      };
      const gin: unknown = node.op.backward(g, { inputs, output: t, attrs: node.attrs, needsInputGrad: needs, takeSaved, vjp: compositeVjp });
      if (!Array.isArray(gin) || gin.length < inputs.length) {
        throw new ValueError(
          node.op.name,
          'backward',
          `returned ${Array.isArray(gin) ? `${gin.length} gradients` : describe(gin)}, expected an array of ${inputs.length} (one per input, null for an input without one)`,
        );
      }
      for (let i = 0; i < inputs.length; i++) {
        const gi: unknown = gin[i];
        if (!needs[i] || gi === null || gi === undefined) continue;
        const x = inputs[i]!;
        if (!(gi instanceof TensorClass)) {
          throw new ValueError(node.op.name, 'backward', `returned an invalid gradient at index ${i}: expected a Tensor or null, got ${describe(gi)}`);
        }
        if (!reducibleTo(gi.shape, x.shape)) {
          throw new ValueError(
            node.op.name,
            'backward',
            `returned an invalid gradient at index ${i}: got shape ${fmtShape(gi.shape)} but expected shape compatible with ${fmtShape(x.shape)}`,
          );
        }
        let gx = sumToShape(gi, x.shape);
        if (gx.dtype !== x.dtype) gx = astype(gx, x.dtype);
        if (node.creationSite !== undefined || isAnomalyEnabled()) checkFinite(gx.data, gx.shape, node.op.name, i, node.creationSite ?? '');
        const prev = grads.get(x);
        grads.set(x, prev ? add(prev, gx) : gx);
      }
      // Free gradients of interior tensors once they have been passed on.
      if (!opts.createGraph) grads.delete(t);
    }
    if (targets) return targets.map((x) => grads.get(x) ?? null);
    // Rules may hand the same tensor to several inputs (add returns [g, g]); give each leaf a .grad
    // of its own so that editing one never changes another.
    // Views (reshape, identity) share their storage, so compare storage, not tensors; the caller's
    // seeds and roots count as taken.
    const given = new Set<TypedArray>();
    for (const r of [...roots, ...seeds]) given.add(r.data);
    for (const t of order) {
      if (t.node !== null || !t.requiresGrad) continue;
      let g = grads.get(t);
      if (g === undefined) continue;
      if (given.has(g.data)) g = clone(g);
      given.add(g.data);
      t.grad = t.grad === null ? g : add(t.grad, g);
    }
    return undefined;
  } finally {
    setGradEnabled(prevMode);
    if (!opts.retainGraph) {
      const stamp = ++clock;
      // With targets, release only the nodes on a path to a target: those were built after the
      // targets, inside the transform. Other graph reachable from the root (tensors f closed over)
      // belongs to the caller, who may still backprop through it.
      for (const t of order) {
        if (t.node !== null && !t.node.released && !targetSet?.has(t) && (useful === null || useful.has(t))) {
          releasedAt.set(t.node, stamp);
          t.node.released = true;
          t.node.inputs = [];
          t.node.saved = undefined;
        }
      }
    }
  }
}



/**
 * The VJP of `fn` at `inputs` contracted with `cotangent`: one gradient per input, `null` for
 * int32 inputs and for inputs `fn` does not depend on. Records its own backward when grad mode is
 * on (inside a `createGraph` walk), so the result is differentiable again.
 */
export function compositeVjp(fn: (...args: Tensor[]) => Tensor, inputs: readonly Tensor[], cotangent: Tensor): (Tensor | null)[] {
  const create = isGradEnabled();
  const since = releaseClock();
  const wrapped = inputs.map((t) => {
    if (t.dtype === 'int32') return t;
    if (create && t.requiresGrad) return identity(t);
    const w = new TensorClass(t.data, t.shape);
    w.requiresGrad = true;
    return w;
  });
  const prev = setGradEnabled(true);
  let out: Tensor;
  try {
    out = fn(...wrapped);
  } finally {
    setGradEnabled(prev);
  }
  const targets = wrapped.filter((w) => w.dtype !== 'int32');
  const grads = out.requiresGrad ? runBackward([out], [cotangent], { retainGraph: create, createGraph: create, since }, targets)! : targets.map(() => null);
  let k = 0;
  return wrapped.map((w) => (w.dtype === 'int32' ? null : grads[k++]!));
}

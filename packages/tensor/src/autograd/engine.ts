/**
 * Reverse-mode autodiff over the graph that ops record. One walk serves both `.backward()`
 * (accumulate into leaves' `.grad`) and the functional transforms (return gradients of chosen
 * tensors). Broadcast gradients are summed to their input's shape here, once, for every op.
 */
import { ValueError, fmtShape } from '../errors.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { astype, clone, identity, reshape } from '../ops/shape.js';
import { Tensor as TensorClass } from '../tensor.js';
import { isGradEnabled, setGradEnabled } from './mode.js';

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
      const takeSaved = (): unknown => {
        const r = node.saved;
        node.saved = undefined;
        return r;
      };
      const gin = node.op.backward(g, { inputs, output: t, attrs: node.attrs, needsInputGrad: needs, takeSaved, vjp: compositeVjp });
      for (let i = 0; i < inputs.length; i++) {
        const gi = gin[i];
        if (!needs[i] || gi === null || gi === undefined) continue;
        const x = inputs[i]!;
        let gx = sumToShape(gi, x.shape);
        if (gx.dtype !== x.dtype) gx = astype(gx, x.dtype);
        if (!shapesEqual(gx.shape, x.shape)) {
          throw new ValueError(node.op.name, 'backward', `returned a gradient of shape ${fmtShape(gi.shape)} for input ${i} of shape ${fmtShape(x.shape)}`);
        }
        const prev = grads.get(x);
        grads.set(x, prev ? add(prev, gx) : gx);
      }
      // Free gradients of interior tensors once they have been passed on.
      if (!opts.createGraph) grads.delete(t);
    }
    if (targets) return targets.map((x) => grads.get(x) ?? null);
    // Rules may hand the same tensor to several inputs (add returns [g, g]); give each leaf a .grad
    // of its own so that editing one never changes another.
    const given = new Set<Tensor>();
    for (const t of order) {
      if (t.node !== null || !t.requiresGrad) continue;
      let g = grads.get(t);
      if (g === undefined) continue;
      if (given.has(g) || roots.includes(g) || seeds.includes(g)) g = clone(g);
      given.add(g);
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

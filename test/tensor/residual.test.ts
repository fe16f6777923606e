// ForwardContext.save / OpContext.takeSaved: a fused kernel may keep its partial derivatives for
// its own first-order backward; results must not depend on whether the residual was there.
import { describe, expect, it } from 'vitest';
import { Tensor, compositeVjp, defineOp, gradcheck, gradgradcheck, noGrad, tensor, type ForwardContext } from '@focalgrad/tensor';

/** f(x) = x^3 elementwise; the forward saves 3x^2 when recorded. */
function makeCube() {
  const log: string[] = [];
  const cubeGrad = defineOp<void>({
    name: 'cubeGrad',
    forward: ([x, g]) => {
      const o = new Float64Array(x!.size);
      for (let i = 0; i < o.length; i++) o[i] = 3 * x!.data[i]! ** 2 * g!.data[i]!;
      return new Tensor(o, x!.shape);
    },
    backward: (gg, { inputs: [x, g] }) => compositeVjp((x, g) => g!.mul(x!.square().mul(3)), [x!, g!], gg),
  });
  const cube = defineOp<void>({
    name: 'cube',
    forward: ([x], _a, ctx: ForwardContext) => {
      log.push(`forward recording=${ctx.recording}`);
      const o = new Float64Array(x!.size);
      const d = ctx.recording ? new Float64Array(x!.size) : null;
      for (let i = 0; i < o.length; i++) {
        const v = x!.data[i]!;
        o[i] = v * v * v;
        if (d) d[i] = 3 * v * v;
      }
      if (d) ctx.save(d);
      return new Tensor(o, x!.shape);
    },
    backward: (g, { inputs: [x], takeSaved }) => {
      const d = takeSaved() as Float64Array | undefined;
      log.push(d ? 'backward used residual' : 'backward recomputed');
      if (!d) return [cubeGrad([x!, g])];
      const o = new Float64Array(d.length);
      for (let i = 0; i < d.length; i++) o[i] = d[i]! * g.data[i]!;
      // The result must stay differentiable: route the second order through the grad op's rule.
      return [g.requiresGrad || x!.requiresGrad ? cubeGrad([x!, g]) : new Tensor(o, x!.shape)];
    },
  });
  return { cube, log };
}

describe('forward residuals', () => {
  it('are offered only when the call is recorded', () => {
    const { cube, log } = makeCube();
    cube([tensor([1, 2])]);
    noGrad(() => cube([tensor([1, 2], { requiresGrad: true })]));
    cube([tensor([1, 2], { requiresGrad: true })]);
    expect(log).toEqual(['forward recording=false', 'forward recording=false', 'forward recording=true']);
  });

  it('are taken once: a second backward through a retained graph recomputes, with the same result', () => {
    const { cube, log } = makeCube();
    const x = tensor([1, -2, 3], { dtype: 'float64', requiresGrad: true });
    const y = cube([x]).sum();
    y.backward(undefined, { retainGraph: true });
    const first = x.grad!.toArray();
    x.zeroGrad();
    y.backward();
    expect(x.grad!.toArray()).toEqual(first);
    expect(first).toEqual([3, 12, 27]);
    expect(log.filter((l) => l.startsWith('backward'))).toEqual(['backward used residual', 'backward recomputed']);
  });

  it('leave first and second order exact', () => {
    const { cube } = makeCube();
    const x = tensor([0.3, -1.2, 2.5], { dtype: 'float64' });
    expect(gradcheck((x) => cube([x]), [x]).ok).toBe(true);
    expect(gradgradcheck((x) => cube([x]), [x]).ok).toBe(true);
  });

  it('are dropped when the graph is released', () => {
    const { cube } = makeCube();
    const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const y = cube([x]);
    expect(y.node!.saved).toBeInstanceOf(Float64Array);
    y.sum().backward();
    expect(y.node!.saved).toBeUndefined();
  });
});

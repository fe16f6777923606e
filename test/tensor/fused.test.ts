// defineFusedOp: a fused forward, a fused first-order gradient kernel and a composite that serves
// the higher orders; and defineOp's refusal to treat a missing backward rule as a zero gradient.
import { describe, expect, it } from 'vitest';
import {
  Tensor, ValueError, abs, add, defineFusedOp, defineOp, div, grad, gradcheck, gradgradcheck, greater, mul, noGrad, square,
  sub, tensor, where, type ForwardContext,
} from '@focalgrad/tensor';

/** softsign(x) = x / (1 + |x|); the forward keeps 1 / (1 + |x|)² when recorded. */
function makeSoftsign() {
  const log: string[] = [];
  const op = defineFusedOp<void>({
    name: 'softsign',
    forward: ([x], _a, ctx: ForwardContext) => {
      const xd = x!.data;
      const out = new Float64Array(xd.length);
      const d = ctx.recording ? new Float64Array(xd.length) : null;
      for (let i = 0; i < xd.length; i++) {
        const s = 1 + Math.abs(xd[i]!);
        out[i] = xd[i]! / s;
        if (d) d[i] = 1 / (s * s);
      }
      if (d) ctx.save(d);
      return new Tensor(out, x!.shape);
    },
    gradients: [
      {
        kernel: (g, { inputs: [x], saved }) => {
          log.push(saved ? 'kernel used residual' : 'kernel recomputed');
          const xd = x!.data;
          const out = new Float64Array(xd.length);
          for (let i = 0; i < xd.length; i++) {
            const d = saved ? (saved as Float64Array)[i]! : 1 / (1 + Math.abs(xd[i]!)) ** 2;
            out[i] = g.data[i]! * d;
          }
          return new Tensor(out, x!.shape);
        },
        composite: (g, { inputs: [x], saved }) => {
          log.push(`composite saved=${String(saved)}`);
          return div(g, square(add(abs(x!), 1)));
        },
      },
    ],
  });
  return { softsign: (x: Tensor) => op([x]), log };
}

describe('defineFusedOp', () => {
  it('first order runs the kernel (on the residual), higher orders the composite; both agree with finite differences', () => {
    const { softsign, log } = makeSoftsign();
    const x = tensor([-2, -0.3, 0.5, 3], { dtype: 'float64' });
    expect(gradcheck(softsign, [x]).ok).toBe(true);
    expect(gradgradcheck(softsign, [x]).ok).toBe(true);
    expect(log).toContain('kernel used residual');
    expect(log).toContain('composite saved=undefined');
    // The kernel's gradient equals the composite's formula.
    const g = grad((x: Tensor) => softsign(x).sum())(x);
    const expected = x.toArray().map((v: number) => 1 / (1 + Math.abs(v)) ** 2);
    g.toArray().forEach((v: number, i: number) => expect(v).toBeCloseTo(expected[i], 15));
  });

  it('names the gradient op after the op, and a retained second backward recomputes with the same numbers', () => {
    const { softsign, log } = makeSoftsign();
    const x = tensor([1, -2], { dtype: 'float64', requiresGrad: true });
    const y = softsign(x).sum();
    y.backward(undefined, { retainGraph: true });
    const first = x.grad!.toArray();
    x.zeroGrad();
    y.backward();
    expect(x.grad!.toArray()).toEqual(first);
    expect(log).toEqual(['kernel used residual', 'kernel recomputed']);
    // Inside an outer transform the first-order gradient is recorded as the op's gradient op.
    grad((x: Tensor) => {
      const gx = grad((x: Tensor) => softsign(x).sum())(x);
      expect(gx.node?.op.name).toBe('softsignGrad');
      return gx.sum();
    })(tensor([1], { dtype: 'float64' }));
    expect(noGrad(() => grad((x: Tensor) => softsign(x).sum())(tensor([1], { dtype: 'float64' }))).requiresGrad).toBe(false);
  });

  it('several differentiable inputs, a constant input, and a composite that uses the output', () => {
    // f(x, y; m) = m ⊙ tanh-like y·x/(1+|x|)  with m a constant mask: gradients for x and y, none for m.
    const op = defineFusedOp<void>({
      name: 'scaledSoftsign',
      forward: ([x, y, m]) => mul(m!, mul(y!, div(x!, add(abs(x!), 1)))),
      gradients: [
        {
          kernel: (g, { inputs: [x, y, m] }) => mul(g, mul(m!, div(y!, square(add(abs(x!), 1))))),
          composite: (g, { inputs: [x, y, m] }) => mul(g, mul(m!, div(y!, square(add(abs(x!), 1))))),
        },
        {
          kernel: (g, { inputs: [x, , m] }) => mul(g, mul(m!, div(x!, add(abs(x!), 1)))),
          composite: (g, { inputs: [x, , m] }) => mul(g, mul(m!, div(x!, add(abs(x!), 1)))),
        },
        null,
      ],
    });
    const m = tensor([1, 0, 1], { dtype: 'float64' });
    const f = (x: Tensor, y: Tensor) => op([x, y, m]);
    const x = tensor([0.7, -1.5, 2], { dtype: 'float64' });
    const y = tensor([1.3, 0.4, -0.6], { dtype: 'float64' });
    expect(gradcheck(f, [x, y]).ok).toBe(true);
    expect(gradgradcheck(f, [x, y]).ok).toBe(true);
    const out = op([x.requireGrad(), y.requireGrad(), m]);
    out.sum().backward();
    expect(x.grad).not.toBeNull();
    expect(y.grad).not.toBeNull();
    expect(m.grad).toBeNull();
  });

  it('a composite that reads the op output: tanh with 1 − y² as its derivative', () => {
    const op = defineFusedOp<void>({
      name: 'fusedTanh',
      forward: ([x]) => {
        const out = new Float64Array(x!.size);
        for (let i = 0; i < out.length; i++) out[i] = Math.tanh(x!.data[i]!);
        return new Tensor(out, x!.shape);
      },
      gradients: [
        {
          kernel: (g, { output }) => {
            const out = new Float64Array(output.size);
            for (let i = 0; i < out.length; i++) out[i] = g.data[i]! * (1 - output.data[i]! ** 2);
            return new Tensor(out, output.shape);
          },
          composite: (g, { output }) => mul(g, sub(1, square(output))),
        },
      ],
    });
    const x = tensor([-1.2, 0.1, 0.8], { dtype: 'float64' });
    expect(gradcheck((x: Tensor) => op([x]), [x]).ok).toBe(true);
    expect(gradgradcheck((x: Tensor) => op([x]), [x]).ok).toBe(true);
    // Third order through the output: d³/dx³ tanh = −2 sech²(x) (1 − 3 tanh²(x))... checked numerically.
    const d3 = grad((x: Tensor) => grad((x: Tensor) => grad((x: Tensor) => op([x]).sum())(x).sum())(x).sum());
    const v = d3(tensor([0.3], { dtype: 'float64' })).item();
    const t = Math.tanh(0.3);
    expect(v).toBeCloseTo(-2 * (1 - t * t) * (1 - 3 * t * t), 12);
  });
});

describe('defineOp without a backward rule', () => {
  it('throws when backward reaches it, naming the op, instead of returning a zero gradient', () => {
    const double = defineOp<void>({ name: 'myDouble', forward: ([x]) => mul(x!, 2) });
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => double([x]).sum().backward()).toThrow(ValueError);
    expect(() => grad((x: Tensor) => double([x]).sum())(tensor([1, 2]))).toThrow(/myDouble: argument 'backward' is not defined/);
  });

  it('an op declared nonDifferentiable is not recorded and carries no gradient', () => {
    const positive = defineOp<void>({ name: 'isPositive', forward: ([x]) => greater(x!, 0), nonDifferentiable: true });
    const x = tensor([-1, 2], { requiresGrad: true });
    const mask = positive([x]);
    expect(mask.requiresGrad).toBe(false);
    const g = grad((x: Tensor) => where(positive([x]), x, 0).sum())(tensor([-1, 2]));
    expect(g.toArray()).toEqual([0, 1]);
  });
});

// Two of the README's guarantees that no other test states on its own: training with a loss is
// deterministic (the same seed gives bit-identical parameters), and no loss writes to its inputs.
import { describe, expect, it } from 'vitest';
import * as L from '@focalgrad/losses';
import { Rng, grad, nn, optim, randn, tensor, type Tensor } from '@focalgrad/tensor';

/** A few Adam steps of a linear model under a focal loss, from a seed; the final parameters' bytes. */
function train(seed: number): number[] {
  const model = new nn.Linear(4, 3, { seed, dtype: 'float32' });
  const x = randn([32, 4], { seed: seed + 1 });
  const rng = new Rng(seed + 2);
  const labels = tensor(Array.from({ length: 32 }, () => rng.int(0, 3)), { dtype: 'int32' });
  const loss = new L.SparseCategoricalFocalLoss({ gamma: 2, fromLogits: true });
  const opt = new optim.Adam(model.parameters(), { lr: 0.05 });
  for (let step = 0; step < 20; step++) {
    opt.zeroGrad();
    loss.call(labels, model.forward(x)).backward();
    opt.step();
  }
  return model.parameters().flatMap((p) => Array.from(new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength)));
}

describe('guarantees', () => {
  it('the same seed gives bit-identical parameters after training; another seed does not', () => {
    const a = train(7);
    expect(train(7)).toEqual(a);
    expect(train(8)).not.toEqual(a);
  });

  it('no loss writes to its inputs (values, gradients and second derivatives computed)', () => {
    const cases: [string, (p: Tensor) => Tensor, Tensor, Tensor][] = [];
    const yb = tensor([[0, 1], [1, 0.3]], { dtype: 'float64' });
    const pb = tensor([[0.2, 1], [0, 0.6]], { dtype: 'float64' });
    const xb = tensor([[-3, Infinity], [40, -0.5]], { dtype: 'float64' });
    cases.push(['binaryFocalCrossentropy', (p) => L.binaryFocalCrossentropy(yb, p, { gamma: 1.5 }), yb, pb]);
    cases.push(['binaryFocalLoss', (p) => L.binaryFocalLoss(yb, p, { gamma: 2, fromLogits: true }), yb, xb]);
    cases.push(['sigmoidFocalLoss', (p) => L.sigmoidFocalLoss(p, yb), yb, xb]);
    const yc = tensor([[0, 1, 0], [1, 0, 0]], { dtype: 'float64' });
    const xc = tensor([[-Infinity, 2, 0.5], [1, 0, -1]], { dtype: 'float64' });
    cases.push(['categoricalFocalCrossentropy', (p) => L.categoricalFocalCrossentropy(yc, p, { fromLogits: true }), yc, xc]);
    const ys = tensor([1, 0], { dtype: 'int32' });
    cases.push(['sparseCategoricalFocalLoss', (p) => L.sparseCategoricalFocalLoss(ys, p, { gamma: 2, fromLogits: true }), ys, xc]);
    for (const [name, f, y, x] of cases) {
      const before = [Array.from(y.data), Array.from(x.data)];
      f(x);
      grad((p: Tensor) => f(p).sum())(x);
      grad((p: Tensor) => grad((q: Tensor) => f(q).sum())(p).sum())(x);
      expect([Array.from(y.data), Array.from(x.data)], name).toEqual(before);
    }
  });
});

import v8 from 'node:v8'; import vm from 'node:vm';
import { allCases } from './workloads.js';
v8.setFlagsFromString('--expose-gc'); const gc = vm.runInNewContext('gc') as () => void;
const c = allCases(false).find((x) => x.id === (process.argv[2] ?? 'W3'))!;
const r = c.build('focalgrad', { quick: false, tf: null });
r.run();
for (let round = 0; round < 3; round++) {
  const a: number[] = [], b: number[] = [];
  for (let i = 0; i < 10; i++) { const t0 = performance.now(); r.run(); a.push(performance.now() - t0); }
  for (let i = 0; i < 10; i++) { gc(); const t0 = performance.now(); r.run(); b.push(performance.now() - t0); }
  const med = (x: number[]) => x.sort((p, q) => p - q)[x.length >> 1]!.toFixed(1);
  console.log('no gc', med(a), ' gc before', med(b));
}

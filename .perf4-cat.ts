const N = 2_000_000;
const xs = new Float64Array(N).map(() => -Math.random() * 30);
const LOG2E = 1.4426950408889634, LN2_HI = 0.6931471803691238, LN2_LO = 1.9082149292705877e-10;
const POW2 = new Float64Array(1100); for (let i = 0; i < 1100; i++) POW2[i] = Math.pow(2, i - 1075);
function fexp(x: number): number {
  if (!(x > -745)) return 0;
  const k = Math.floor(x * LOG2E + 0.5);
  const r = x - k * LN2_HI - k * LN2_LO;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720 + r * (1 / 5040 + r * (1 / 40320 + r * (1 / 362880 + r * (1 / 3628800 + r * (1 / 39916800 + r * (1 / 479001600 + r / 6227020800))))))))))));
  return p * POW2[k + 1075]!;
}
// table variant: 2^(j/64)
const TB = 64;
const T = new Float64Array(TB); for (let j = 0; j < TB; j++) T[j] = Math.pow(2, j / TB);
const S = TB * LOG2E, H_HI = LN2_HI / TB, H_LO = LN2_LO / TB;
const P2 = new Float64Array(1200); for (let i = 0; i < 1200; i++) P2[i] = Math.pow(2, i - 1100);
function texp(x: number): number {
  if (!(x > -745)) return x === x ? 0 : x;
  const kf = x * S;
  const k = (kf - 0.5) | 0; // x <= 0: round half down
  const r = x - k * H_HI - k * H_LO;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r / 720)))));
  const e = k >> 6; // floor division (arithmetic shift)
  return p * T[k & 63]! * P2[e + 1100]!;
}
function time(f: () => number): number { for (let i = 0; i < 3; i++) f(); const ts = []; for (let i = 0; i < 11; i++) { const t0 = performance.now(); f(); ts.push(performance.now() - t0); } ts.sort((a, b) => a - b); return ts[5]!; }
for (let rep = 0; rep < 2; rep++) {
console.log('Math.exp', time(() => { let s = 0; for (let i = 0; i < N; i++) s += Math.exp(xs[i]!); return s; }));
console.log('fexp', time(() => { let s = 0; for (let i = 0; i < N; i++) s += fexp(xs[i]!); return s; }));
console.log('texp', time(() => { let s = 0; for (let i = 0; i < N; i++) s += texp(xs[i]!); return s; }));
}
let maxe = 0, maxt = 0; for (let i = 0; i < N; i++) { const b = Math.exp(xs[i]!); maxe = Math.max(maxe, Math.abs(fexp(xs[i]!) - b) / b); maxt = Math.max(maxt, Math.abs(texp(xs[i]!) - b) / b); }
console.log('max rel err', maxe, maxt);
for (const x of [0, -0, -1e-300, -0.5, -700, -744, -745.1, -1e4, -Infinity, NaN, -709.8]) console.log(x, texp(x), Math.exp(x));

import { expFast } from './packages/losses/src/kernels/softmaxCommon.js';
let worst = 0, at = 0, n = 0;
for (let x = 700; x > -745; x -= 0.000731) { n++; const a = expFast(x), b = Math.exp(x); if (b < 2.3e-308) continue; const e = Math.abs(a - b) / b; if (e > worst) { worst = e; at = x; } }
console.log('grid', n, 'max rel err', worst, 'at', at, 'ulps', worst / 2.22e-16);
for (const x of [0, -0, -1e-300, 1e-300, -1e-17, 0.5, -0.5, -1, 1, 88.7, 699.99, 700, 700.1, 709.7, 710, -700, -708.5, -744.4, -745, -745.1, -1e4, 1e4, -Infinity, Infinity, NaN]) { const a = expFast(x), b = Math.exp(x); if (a !== b) console.log(x, a, b, Math.abs(a-b)/b); }

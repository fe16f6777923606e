import * as fg from '@focalgrad/tensor';
const rows = 65536, K = 10, N = rows * K;
const rng = new fg.Rng(1);
const xd = new Float32Array(N).map(() => rng.normal() * 2);
function time(f: () => unknown): number { for (let i = 0; i < 5; i++) f(); const ts = []; for (let i = 0; i < 41; i++) { const t0 = performance.now(); f(); ts.push(performance.now() - t0); } ts.sort((a, b) => a - b); return ts[4]!; }
for (let rep = 0; rep < 2; rep++) {
console.log('if', time(() => { let s = 0; for (let r = 0, b = 0; r < rows; r++, b += K) { let m = xd[b]!; for (let j = b + 1; j < b + K; j++) { const v = xd[j]!; if (v > m) m = v; } s += m; } return s; }).toFixed(2));
console.log('ternary', time(() => { let s = 0; for (let r = 0, b = 0; r < rows; r++, b += K) { let m = xd[b]!; for (let j = b + 1; j < b + K; j++) { const v = xd[j]!; m = v > m ? v : m; } s += m; } return s; }).toFixed(2));
console.log('Math.max', time(() => { let s = 0; for (let r = 0, b = 0; r < rows; r++, b += K) { let m = xd[b]!; for (let j = b + 1; j < b + K; j++) m = Math.max(m, xd[j]!); s += m; } return s; }).toFixed(2));
console.log('2-acc ternary', time(() => { let s = 0; for (let r = 0, b = 0; r < rows; r++, b += K) { let m = xd[b]!, m2 = m; const e = b + K; let j = b + 1; for (; j + 1 < e; j += 2) { const v = xd[j]!, w = xd[j+1]!; m = v > m ? v : m; m2 = w > m2 ? w : m2; } if (j < e) { const v = xd[j]!; m = v > m ? v : m; } s += m > m2 ? m : m2; } return s; }).toFixed(2));
console.log('flat sum', time(() => { let s = 0; for (let i = 0; i < N; i++) s += xd[i]!; return s; }).toFixed(2));
}

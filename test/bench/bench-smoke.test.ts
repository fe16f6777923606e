/**
 * Smoke test of the benchmark harness (`bench/`): runs it in `--quick` mode on tiny sizes and checks
 * that every workload ran for every implementation that is available, that the implementations
 * agree on the loss, and that the table renders. No timing assertions: timings live in `bench/`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main, renderTable } from '../../bench/harness.js';

/** The root of this checkout: the fastest baseline (a directory, so no worktree is made). */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('bench harness (--quick)', () => {
  it('runs every workload for focalgrad, tfjs-cpu and tfjs-wasm, and they agree', async () => {
    const results = await main(['--quick', '--no-mem', '--silent', '--rounds', '1', '--warmup', '0']);
    expect(results.map((r) => r.id)).toEqual([
      'W1', 'W2a', 'W2b', 'W3', 'W4', 'W5', 'W6 n=32', 'W6 n=64', 'W7', 'B-add row', 'B-add col', 'B-logSoftmax',
    ]);
    for (const r of results) {
      for (const impl of ['focalgrad', 'tfjs-cpu', 'tfjs-wasm'] as const) {
        const s = r.impls[impl];
        // A focalgrad export still being written is reported as unavailable, never as an error.
        expect(s.status, `${r.id} ${impl}: ${s.message ?? ''}`).not.toBe('error');
        if (s.status === 'ok') expect(s.times.length).toBe(1);
      }
      expect(r.agreement.ok, `${r.id}: ${r.agreement.note}`).toBe(true);
    }
    const table = renderTable(results, false);
    expect(table).toContain('| W7 |');
  });

  it('times a baseline tree (--baseline DIR) in the same rounds, with a focalgrad@DIR and a vs baseline column', async () => {
    const results = await main(['--quick', '--only', 'W3,W7', '--no-mem', '--silent', '--rounds', '1', '--warmup', '0', '--baseline', ROOT]);
    expect(results.map((r) => r.id)).toEqual(['W3', 'W7']);
    for (const r of results) {
      const b = r.impls.baseline;
      expect(b, r.id).toBeDefined();
      expect(b!.status, `${r.id}: ${b!.message ?? ''}`).toBe('ok');
      expect(b!.times.length).toBe(1);
      // The same tree as the baseline: the same-loss check covers it (training: after the same epochs).
      expect(r.agreement.ok, `${r.id}: ${r.agreement.note}`).toBe(true);
    }
    const lines = renderTable(results, false).split('\n');
    const head = lines[0]!.split('|').map((c) => c.trim());
    const label = `focalgrad@${ROOT}`;
    expect(head).toContain(label);
    const at = head.indexOf('vs baseline');
    expect(at).toBeGreaterThan(head.indexOf(label));
    for (const line of lines.slice(2, 4)) {
      const cells = line.split('|').map((c) => c.trim());
      expect(cells[head.indexOf(label)]).toMatch(/^\d+(\.\d+)?$/);
      expect(cells[at]).toMatch(/^\d+(\.\d+)?×$/);
    }
  });

  it('measures peak RSS in child processes', async () => {
    const [r] = await main(['--quick', '--only', 'W7', '--silent', '--rounds', '1', '--warmup', '0', '--mem-runs', '2']);
    for (const impl of ['focalgrad', 'tfjs-cpu', 'tfjs-wasm'] as const) {
      const m = r!.impls[impl].mem;
      expect(m, impl).toBeDefined();
      expect('error' in m! ? m.error : '', impl).toBe('');
      if (m && !('error' in m)) {
        expect(m.peakMB).toBeGreaterThan(0);
        expect(m.afterRunMB.length).toBe(2);
      }
    }
  });
});

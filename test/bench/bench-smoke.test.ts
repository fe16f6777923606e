/**
 * Smoke test of the benchmark harness (`bench/`): runs it in `--quick` mode on tiny sizes and checks
 * that every workload ran for every implementation that is available, that the implementations
 * agree on the loss, and that the table renders. No timing assertions: timings live in `bench/`.
 */
import { describe, expect, it } from 'vitest';
import { main, renderTable } from '../../bench/harness.js';

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

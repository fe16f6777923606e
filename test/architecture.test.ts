/**
 * The architecture's import rules, checked on the sources:
 * - packages import one way only (examples → losses → tensor);
 * - there are no import cycles, except the one the `Tensor` class needs: its method forms
 *   (`x.add(y)`) call the ops, and the ops construct `Tensor`s. That cycle is broken here by
 *   ignoring the imports of `tensor.ts` itself; everything else must form a DAG;
 * - library sources import no Node built-ins outside the Node-only entry (`node.ts` and the file
 *   helpers it re-exports).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The value imports of a file (type-only imports and re-exports are erased, so they do not count). */
function valueImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  const re = /^(?:import|export)\s+(type\s+)?([^'";]*?)\s*from\s+'([^']+)';/gms;
  for (const m of text.matchAll(re)) {
    if (m[1]) continue;
    const names = m[2]!.replace(/[{}]/g, '').split(',').map((s) => s.trim()).filter(Boolean);
    if (names.length > 0 && names.every((n) => n.startsWith('type '))) continue;
    out.push(m[3]!);
  }
  for (const m of text.matchAll(/^import\s+'([^']+)';/gm)) out.push(m[1]!);
  return out;
}

const files = ['tensor', 'losses'].flatMap((p) => sources(join(root, 'packages', p, 'src')));
const rel = (f: string) => relative(root, f);
const graph = new Map<string, string[]>();
for (const f of files) {
  graph.set(
    rel(f),
    valueImports(f)
      .filter((s) => s.startsWith('.'))
      .map((s) => rel(resolve(dirname(f), s.replace(/\.js$/, '.ts')))),
  );
}

describe('architecture', () => {
  it('has no import cycle apart from the Tensor class and its method forms', () => {
    const allowed = 'packages/tensor/src/tensor.ts';
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].join(' → '));
        return;
      }
      state.set(f, 'open');
      if (f !== allowed) for (const g of graph.get(f) ?? []) visit(g, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of graph.keys()) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it('imports point one way: tensor never imports losses; library code never imports examples or tests', () => {
    for (const f of files) {
      const imports = valueImports(f);
      if (rel(f).startsWith('packages/tensor/')) expect(imports.filter((s) => s.includes('@focalgrad/losses')), rel(f)).toEqual([]);
      expect(imports.filter((s) => /examples|test\//.test(s)), rel(f)).toEqual([]);
    }
  });

  it('library entries use no Node built-ins outside the Node-only subpath', () => {
    const nodeOnly = new Set(['packages/tensor/src/node.ts', 'packages/tensor/src/io/files.ts']);
    for (const f of files) {
      if (nodeOnly.has(rel(f))) continue;
      const text = readFileSync(f, 'utf8');
      expect(text.match(/from 'node:[^']+'|import\('node:[^']+'\)/g), rel(f)).toBeNull();
    }
  });

  it('the primitive ops are built from the table only: no other defineOp call in the tensor ops', () => {
    for (const f of files.filter((f) => rel(f).startsWith('packages/tensor/src/ops/') && !f.endsWith('primitives.ts'))) {
      expect(readFileSync(f, 'utf8').match(/defineOp\(/g), rel(f)).toBeNull();
    }
  });
});

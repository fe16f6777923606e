/**
 * Module-resolution hooks of a baseline process (registered by `baseline-register.ts`, run on
 * Node's loader thread). Every import of `@focalgrad/tensor` or `@focalgrad/losses` — from the
 * benchmark's workloads and from inside the baseline tree itself — resolves to the baseline
 * tree's TypeScript sources, whatever `node_modules` would say. Resolving by specifier rather
 * than through a `node_modules` of symlinks is what keeps the baseline's losses on the baseline's
 * tensor package: Node follows a symlink to its real path and resolves the package's own imports
 * from there, which may be a tree with no `node_modules` or one that holds the current packages.
 *
 * The one exception is `bench/data.ts`: every implementation must see the same numbers, so the
 * data keep coming from the current tree's `Rng` even when the baseline's generator differs.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** What `register` hands to {@link initialize}. */
export interface BaselineHookData {
  /** The baseline tree: a focalgrad checkout with `packages/tensor/src/index.ts`. */
  dir: string;
}

interface ResolveContext {
  parentURL?: string;
}
interface ResolveResult {
  url: string;
}
type NextResolve = (specifier: string, context: ResolveContext) => ResolveResult | Promise<ResolveResult>;

/** Source entry points of the focalgrad packages, relative to a tree's root. */
const ENTRIES: Record<string, string> = {
  '@focalgrad/tensor': 'packages/tensor/src/index.ts',
  '@focalgrad/tensor/node': 'packages/tensor/src/node.ts',
  '@focalgrad/losses': 'packages/losses/src/index.ts',
};

/** The module that keeps importing the current tree. */
const DATA_URL = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'data.ts')).href;

let root = '';

export function initialize(data: BaselineHookData): void {
  root = path.resolve(data.dir);
}

export function resolve(specifier: string, context: ResolveContext, next: NextResolve): ResolveResult | Promise<ResolveResult> {
  const entry = ENTRIES[specifier];
  if (entry === undefined || context.parentURL === DATA_URL) return next(specifier, context);
  // Handed on (not short-circuited) so that tsx's resolver still marks the file as TypeScript.
  return next(pathToFileURL(path.join(root, entry)).href, context);
}

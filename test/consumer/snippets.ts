/**
 * The fenced TypeScript blocks of a Markdown file. A block tagged ```ts runs in Node; ```ts browser
 * runs in a page. Other languages (sh, json, ...) are not code to run.
 */
export interface Snippet {
  /** Where the block starts, as `file:line`, for failure messages. */
  readonly where: string;
  /** `node` for ```ts, `browser` for ```ts browser. */
  readonly target: 'node' | 'browser';
  readonly code: string;
}

export function tsSnippets(markdown: string, file: string): Snippet[] {
  const out: Snippet[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript)(?:\s+(\S+))?\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i + 1;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) body.push(lines[i]!);
    const tag = open[2];
    if (tag !== undefined && tag !== 'browser') throw new Error(`${file}:${start}: unknown block tag '${tag}'`);
    out.push({ where: `${file}:${start}`, target: tag === 'browser' ? 'browser' : 'node', code: body.join('\n') + '\n' });
  }
  return out;
}

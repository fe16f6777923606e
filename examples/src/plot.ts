/**
 * Line charts written as SVG files, rendered headless by Vega-Lite → Vega (`renderer: 'none'`,
 * then `toSVG()`): no browser, no canvas, no native build.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** One line: a name for the legend and its points in drawing order. */
export interface Series {
  /** Legend label. */
  name: string;
  /** `[x, y]` points, drawn in this order. */
  points: ReadonlyArray<readonly [number, number]>;
  /** Draw dashed (e.g. a reference curve, or a second metric of the same group). */
  dashed?: boolean;
  /** Series with the same group share a colour and one legend entry (default: the name). */
  group?: string;
}

/** Options of {@link lineChartSvg}. */
export interface LineChartOptions {
  /** Chart title. */
  title: string;
  /** Optional subtitle (one line). */
  subtitle?: string;
  /** x axis title. */
  xLabel: string;
  /** y axis title. */
  yLabel: string;
  /** The lines. */
  series: readonly Series[];
  /** x scale (default linear). */
  xScale?: 'linear' | 'log';
  /** y scale (default linear). Points with y ≤ 0 are dropped on a log scale. */
  yScale?: 'linear' | 'log';
  /** Fixed x range. */
  xDomain?: [number, number];
  /** Fixed y range. */
  yDomain?: [number, number];
  /** How points are joined, in their given order (default `'linear'`; `'step-after'` is matplotlib's `steps-post`). */
  interpolate?: 'linear' | 'step-after' | 'step-before';
  /** Plot width in pixels (default 480). */
  width?: number;
  /** Plot height in pixels (default 300). */
  height?: number;
}

/**
 * The Vega-Lite spec of a line chart (exported so it can be inspected or tweaked).
 * @param o - the chart.
 */
export function lineChartSpec(o: LineChartOptions): TopLevelSpec {
  const values: { x: number; y: number; series: string; group: string; i: number; dashed: boolean }[] = [];
  for (const s of o.series) {
    s.points.forEach(([x, y], i) => {
      if (!Number.isFinite(x) || !Number.isFinite(y)) return;
      if (o.yScale === 'log' && y <= 0) return;
      if (o.xScale === 'log' && x <= 0) return;
      values.push({ x, y, series: s.name, group: s.group ?? s.name, i, dashed: s.dashed === true });
    });
  }
  const groups = [...new Set(o.series.map((s) => s.group ?? s.name))];
  const anyDashed = o.series.some((s) => s.dashed);
  const scale = (type: 'linear' | 'log' | undefined, domain: [number, number] | undefined): Record<string, unknown> => ({
    type: type ?? 'linear',
    ...(domain ? { domain, clamp: true } : type === 'log' ? {} : { zero: false }),
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: o.subtitle ? { text: o.title, subtitle: o.subtitle } : o.title,
    width: o.width ?? 480,
    height: o.height ?? 300,
    background: 'white',
    data: { values },
    mark: { type: 'line', interpolate: o.interpolate ?? 'linear', strokeWidth: 2, clip: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: o.xLabel, scale: scale(o.xScale, o.xDomain) },
      y: { field: 'y', type: 'quantitative', title: o.yLabel, scale: scale(o.yScale, o.yDomain) },
      color: { field: 'group', type: 'nominal', sort: groups, title: null, legend: { orient: 'right', labelLimit: 1000 } },
      detail: { field: 'series', type: 'nominal' },
      order: { field: 'i', type: 'quantitative' },
      ...(anyDashed ? { strokeDash: { field: 'dashed', type: 'nominal', legend: null, scale: { domain: [false, true], range: [[1, 0], [6, 4]] } } } : {}),
    },
  } as TopLevelSpec;
}

/**
 * Renders a line chart to an SVG string.
 * @param o - the chart.
 */
export async function lineChartSvg(o: LineChartOptions): Promise<string> {
  const view = new vega.View(vega.parse(compile(lineChartSpec(o)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Renders a line chart and writes it to `path` (creating directories).
 * @param path - the .svg file.
 * @param o - the chart.
 * @returns `path`.
 */
export async function writeLineChart(path: string, o: LineChartOptions): Promise<string> {
  const svg = await lineChartSvg(o);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, svg);
  return path;
}

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lineChartSpec, lineChartSvg, writeLineChart } from '../../examples/src/plot.js';
import { checkXml } from './xml.js';

describe('the XML check', () => {
  it('accepts well-formed XML', () => {
    expect(checkXml('<?xml version="1.0"?>\n<svg a="1" b=\'x &amp; y\'><g><path d="M0,0"/></g><text>a &lt; b &#8722; c</text><!-- c --></svg>\n')).toEqual({
      root: 'svg',
      elements: 4,
    });
  });

  it.each([
    ['<svg><g></svg>', /closes <g>/],
    ['<svg></svg><svg></svg>', /second root/],
    ['<svg a=1></svg>', /unquoted/],
    ['<svg a="1" a="2"></svg>', /duplicate/],
    ['<svg>a & b</svg>', /bad '&'/],
    ['<svg a="<"></svg>', /raw '<'/],
    ['<svg>', /unclosed <svg>/],
    ['text<svg></svg>', /outside the root/],
    ['', /no root/],
  ])('rejects %j', (xml, message) => {
    expect(() => checkXml(xml)).toThrow(message);
  });
});

describe('line charts', () => {
  const dir = mkdtemp(join(tmpdir(), 'focalgrad-plot-'));
  afterAll(async () => rm(await dir, { recursive: true, force: true }));

  it('render to a well-formed SVG with the titles and legend', async () => {
    const svg = await lineChartSvg({
      title: 'Loss & friends <test>',
      xLabel: 'epoch',
      yLabel: 'loss',
      series: [
        { name: 'crossentropy', points: [[1, 0.5], [2, 0.3], [3, 0.2]] },
        { name: 'focal (γ=2)', points: [[1, 0.2], [2, 0.1], [3, 0.05]], dashed: true },
      ],
    });
    expect(checkXml(svg).root).toBe('svg');
    expect(svg).toContain('Loss &amp; friends &lt;test&gt;');
    expect(svg).toContain('crossentropy');
    expect(svg).toContain('focal (γ=2)');
    expect(svg).toMatch(/stroke-dasharray="6,4"/);
  });

  it('drops non-finite points and, on log scales, non-positive ones', () => {
    const spec = lineChartSpec({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      yScale: 'log',
      series: [{ name: 's', points: [[0, 1], [1, 0], [2, NaN], [3, Infinity], [4, 1e-3]] }],
    }) as { data: { values: Array<{ x: number }> } };
    expect(spec.data.values.map((v) => v.x)).toEqual([0, 4]);
  });

  it('writes the file, creating directories', async () => {
    const path = join(await dir, 'nested', 'a.svg');
    expect(await writeLineChart(path, { title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 's', points: [[0, 0], [1, 1]] }] })).toBe(path);
    expect(checkXml(await readFile(path, 'utf8')).root).toBe('svg');
  });
});

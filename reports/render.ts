/**
 * Renders vega-lite specs server-side: vega-lite → vega → SVG (vega View, renderer 'none'), then
 * SVG → PNG with resvg. vega and vega-lite are ESM-only with top-level await, which CommonJS
 * (tslab notebooks, dist/pipelab.cjs) cannot require(); so they are loaded lazily with a dynamic
 * import() here, never at module top level.
 */
import type { ChartSpec } from './chart-base.ts';
import { CHART_FONT } from './chart-base.ts';

/** SVG text of a vega-lite spec; fonts are named, not embedded (DejaVu Sans) */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** PNG bytes of an SVG, drawn with the system fonts (Debian fonts-dejavu-core) */
export async function renderPng(svg: string, scale = 2): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  const r = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: CHART_FONT },
  });
  return Buffer.from(r.render().asPng());
}

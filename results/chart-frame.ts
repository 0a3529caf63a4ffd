/**
 * The frame every pipelab chart shares — run reports, simulation and drift-loop charts, the drift
 * lab's detector charts and `pipelab compare --chart`: the vega-lite schema version, the title,
 * a white background and the chart font. Charts are plain data (vega-lite specs), so this lives in
 * the results contract where both the reports and the harness's own chart builders can read it.
 */
import type { TopLevelSpec } from 'vega-lite';

/** a vega-lite spec: what every chart function returns; render with pipelab/reports renderSvg / renderPng */
export type ChartSpec = TopLevelSpec;

/** the font every chart uses; Debian's fonts-dejavu-core provides it for server-side rendering */
export const CHART_FONT = 'DejaVu Sans';

/**
 * Schema, title, size (left out for concatenated views, whose parts carry their own), background
 * and fonts, in that key order.
 */
export function chartFrame(title: string, size?: { width: number; height: number }) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    ...(size ? { width: size.width, height: size.height } : {}),
    background: 'white',
    config: {
      font: CHART_FONT,
      axis: { labelFont: CHART_FONT, titleFont: CHART_FONT },
      legend: { labelFont: CHART_FONT, titleFont: CHART_FONT },
      title: { font: CHART_FONT },
    },
  };
}

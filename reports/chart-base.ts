/** The options every report chart takes, and its frame (results/chart-frame.ts) at report sizes. */
import { chartFrame } from '../results/chart-frame.ts';

export { CHART_FONT, type ChartSpec } from '../results/chart-frame.ts';

export interface ChartOptions {
  /** trend metric to draw (default `e2e_latency` when the run observed end-to-end results — the
   * pipeline target and simulated runs — else `latency`) */
  metric?: string;
  width?: number;
  height?: number;
}

/** the frame at the chart's size (default 640 × 240) */
export const chartBase = (title: string, o: ChartOptions) =>
  chartFrame(title, { width: o.width ?? 640, height: o.height ?? 240 });

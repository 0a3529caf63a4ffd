/**
 * A chart with nothing to draw says so: its title, and one line of text where the marks would
 * be, instead of empty axes (an all-zero series once drew a y axis labelled 0.000000).
 */
import { chartBase, type ChartOptions, type ChartSpec } from './chart-base.ts';

export function emptyChart(title: string, message: string, o: ChartOptions = {}): ChartSpec {
  return {
    ...chartBase(title, { ...o, height: Math.min(o.height ?? 240, 80) }),
    data: { values: [{ message }] },
    mark: { type: 'text', fontSize: 14, color: '#666666' },
    encoding: { text: { field: 'message', type: 'nominal' } },
  } as ChartSpec;
}

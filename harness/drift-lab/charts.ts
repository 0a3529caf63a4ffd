/**
 * Vega-lite specs for the drift lab (pure functions of evaluation results): detection delay
 * against false alarms, one point per detector × stream — lower-left is better.
 */
import { chartFrame, type ChartSpec } from '../../results/chart-frame.ts';
import type { DetectorStreamResult } from './evaluate.ts';

export function delayVsFalseAlarmsSpec(results: DetectorStreamResult[], opts: { title?: string } = {}): ChartSpec {
  const values = results
    .filter((r) => r.applicable && r.delayMean !== null)
    .map((r) => ({
      detector: r.detector,
      stream: r.stream,
      delay: r.delayMean,
      falseAlarms: r.falseAlarmsPer1e5BeforeOnset,
      missedRate: r.missedDetectionRate ?? 0,
    }));
  return {
    ...chartFrame(opts.title ?? 'Detection delay vs false alarms', { width: 480, height: 320 }),
    data: { values },
    mark: { type: 'point', filled: true, size: 90 },
    encoding: {
      x: {
        field: 'falseAlarms',
        type: 'quantitative',
        title: 'false alarms per 10⁵ observations before onset',
        scale: { zero: true },
      },
      y: { field: 'delay', type: 'quantitative', title: 'mean detection delay (observations)', scale: { zero: true } },
      color: { field: 'detector', type: 'nominal' },
      shape: { field: 'stream', type: 'nominal' },
      tooltip: [
        { field: 'detector' },
        { field: 'stream' },
        { field: 'delay', format: '.1f' },
        { field: 'falseAlarms', format: '.1f' },
        { field: 'missedRate', format: '.2f', title: 'missed rate' },
      ],
    },
  };
}

/** a value stream with its drift onsets and a detector's alarms, for one run */
export function streamWithAlarmsSpec(
  values: ArrayLike<number>,
  onsets: number[],
  alarms: number[],
  opts: { title?: string; maxPoints?: number } = {},
): ChartSpec {
  const step = Math.max(1, Math.ceil(values.length / (opts.maxPoints ?? 2000)));
  const points: Array<{ t: number; value: number }> = [];
  for (let i = 0; i < values.length; i += step) points.push({ t: i, value: values[i] as number });
  return {
    ...chartFrame(opts.title ?? 'Stream, drift onsets and alarms', { width: 640, height: 240 }),
    layer: [
      {
        data: { values: points },
        mark: { type: 'line', strokeWidth: 1 },
        encoding: {
          x: { field: 't', type: 'quantitative', title: 'observation' },
          y: { field: 'value', type: 'quantitative' },
        },
      },
      {
        data: { values: onsets.map((t) => ({ t, kind: 'drift onset' })) },
        mark: { type: 'rule', strokeDash: [4, 4] },
        encoding: { x: { field: 't', type: 'quantitative' }, color: { field: 'kind', type: 'nominal', title: '' } },
      },
      {
        data: { values: alarms.map((t) => ({ t, kind: 'alarm' })) },
        mark: { type: 'rule' },
        encoding: { x: { field: 't', type: 'quantitative' }, color: { field: 'kind', type: 'nominal', title: '' } },
      },
    ],
  };
}

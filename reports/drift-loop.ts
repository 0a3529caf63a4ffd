/**
 * The drift-loop part of the report: read from a RunSummary's `extra.driftLoop` (written by the
 * pipeline target's drift loop, pipeline/drift/loop.ts) and nothing else. Pure: the vega-lite
 * timeline spec, the timeline table for summary.md and report.html, and AUC before/after. Live
 * runs without the loop get nothing ('' / {}).
 */
import type { RunSummary } from '../results/types.ts';
import type { ChartOptions, ChartSpec } from './chart-base.ts';
import { faultBandLayers } from './faults.ts';
import { chartBase } from './chart-base.ts';
import { xmlEscape as esc } from './junit.ts';

/** the parts of `extra.driftLoop` the report reads (DriftLoopReport) */
export interface DriftLoopSummaryData {
  timeline: {
    t: number;
    kind: string;
    detail: string;
    version?: string;
    auc?: { incumbent: number; candidate: number };
  }[];
  aucReference: number | null;
  lastEvaluation: { incumbent: number; candidate: number; candidateVersion: string; promoted: boolean } | null;
  incumbent: string;
  labels?: string;
}

export function driftLoopData(summary: RunSummary): DriftLoopSummaryData | undefined {
  const x = summary.extra?.driftLoop as DriftLoopSummaryData | undefined;
  return x && Array.isArray(x.timeline) ? x : undefined;
}

/** the timeline's steps in loop order (the chart's rows, top to bottom) */
const LOOP_STEPS = [
  'baseline',
  'drift-onset',
  'detection',
  'retrain-start',
  'retrain-end',
  'retrain-failed',
  'candidate-rollout',
  'evaluation',
  'promotion',
  'rollback',
] as const;

const auc = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(3);

/** rows of the timeline table: time (s), step, version, detail */
export function driftLoopRows(summary: RunSummary): [string, string, string, string][] {
  const d = driftLoopData(summary);
  if (!d) return [];
  return d.timeline.map((e) => [`${(e.t / 1000).toFixed(2)} s`, e.kind, e.version ?? '', e.detail]);
}

/** headline: detection delay and AUC before / after */
export function driftLoopHeadline(summary: RunSummary): [string, string][] {
  const d = driftLoopData(summary);
  if (!d) return [];
  const first = (k: string) => d.timeline.find((e) => e.kind === k);
  const onset = first('drift-onset'),
    det = first('detection'),
    prom = first('promotion');
  const out: [string, string][] = [];
  if (onset && det) out.push(['detection delay', `${((det.t - onset.t) / 1000).toFixed(2)} s after the onset`]);
  if (onset && prom) out.push(['onset → promotion', `${((prom.t - onset.t) / 1000).toFixed(2)} s`]);
  out.push(['AUC of the incumbent before the drift (reference window)', auc(d.aucReference)]);
  if (d.lastEvaluation) {
    const e = d.lastEvaluation;
    out.push([
      'AUC after the drift: incumbent / candidate',
      `${auc(e.incumbent)} / ${auc(e.candidate)} ` +
        `(${e.candidateVersion}${e.promoted ? ', promoted' : ', not promoted'})`,
    ]);
  }
  out.push(['serving at the end', d.incumbent]);
  if (d.labels) out.push(['labels', d.labels]);
  return out;
}

export function driftLoopMarkdown(summary: RunSummary): string {
  if (!driftLoopData(summary)) return '';
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const out = [
    '## Drift loop',
    '',
    '| | |',
    '|---|---|',
    ...driftLoopHeadline(summary).map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`),
    '',
  ];
  out.push(
    '| time | step | version | detail |',
    '|---:|---|---|---|',
    ...driftLoopRows(summary).map((r) => `| ${r.map(cell).join(' | ')} |`),
    '',
  );
  return out.join('\n');
}

export function driftLoopHtml(summary: RunSummary): string {
  if (!driftLoopData(summary)) return '';
  const tr = (cells: string[], tag = 'td') => `<tr>${cells.map((c) => `<${tag}>${esc(c)}</${tag}>`).join('')}</tr>`;
  return [
    '<h2>Drift loop</h2><table>',
    ...driftLoopHeadline(summary).map(([k, v]) => tr([k, v])),
    '</table>',
    '<table id="drift-loop-timeline">',
    tr(['time', 'step', 'version', 'detail'], 'th'),
    ...driftLoopRows(summary).map((r) => tr(r)),
    '</table>',
  ].join('\n');
}

/** one timeline: each step a labelled point at its time, on a row of its own, with the onset as a rule */
export function driftLoopTimelineSpec(summary: RunSummary, o: ChartOptions = {}): ChartSpec | undefined {
  const d = driftLoopData(summary);
  if (!d) return undefined;
  const values = d.timeline.map((e) => ({
    t: e.t / 1000,
    step: e.kind,
    label:
      e.kind === 'evaluation' && e.auc ? `AUC ${auc(e.auc.incumbent)} → ${auc(e.auc.candidate)}` : (e.version ?? ''),
  }));
  const onsets = values.filter((v) => v.step === 'drift-onset');
  return {
    ...chartBase('Drift loop: onset, detection, retraining, rollout, promotion', { ...o, height: o.height ?? 220 }),
    layer: [
      ...faultBandLayers(summary),
      ...(onsets.length
        ? [
            {
              data: { values: onsets },
              mark: { type: 'rule', color: '#c0392b', strokeDash: [4, 3] },
              encoding: { x: { field: 't', type: 'quantitative' } },
            },
          ]
        : []),
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 90 },
        encoding: {
          x: {
            field: 't',
            type: 'quantitative',
            title: 'run time (s)',
            scale: { domain: [0, Math.max(summary.durationMs / 1000, ...values.map((v) => v.t))] },
          },
          y: { field: 'step', type: 'nominal', title: null, sort: [...LOOP_STEPS] },
          color: { field: 'step', type: 'nominal', legend: null },
        },
      },
      {
        data: { values },
        mark: { type: 'text', align: 'left', dx: 8, fontSize: 10 },
        encoding: {
          x: { field: 't', type: 'quantitative' },
          y: { field: 'step', type: 'nominal', sort: [...LOOP_STEPS] },
          text: { field: 'label' },
        },
      },
    ],
  } as unknown as ChartSpec;
}

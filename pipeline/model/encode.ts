/**
 * Turns (transaction, features) into the model's input row. The spec (category vocabularies and
 * the mean/std used to standardise the numeric columns) is learned from the training data and
 * saved with the model (metrics.json `featureSpec`), so serving encodes exactly as training did.
 *
 * Columns: log1p(amount), log1p(count_1h), log1p(avg_24h), device risk, log of amount relative
 * to the user's 24 h average, one-hot channel, one-hot country (top countries seen in training,
 * plus "other"). No hour-of-day column: the generator's fraud does not depend on the hour, and
 * training data spans minutes of event time, so an hour column was near-constant in training and
 * far out of range at serving time (the model scored every live transaction ~0).
 */
import type { ScoringInput } from '../types.ts';

export interface FeatureSpec {
  channels: string[];
  countries: string[];
  /** mean and std of the numeric columns, in NUMERIC_COLUMNS order */
  mean: number[];
  std: number[];
}

const NUMERIC_COLUMNS = [
  'log_amount',
  'log_count_1h',
  'log_avg_amount_24h',
  'device_risk',
  'log_amount_vs_avg',
] as const;
const MAX_COUNTRIES = 12;

export function inputWidth(spec: FeatureSpec): number {
  return NUMERIC_COLUMNS.length + spec.channels.length + 1 + spec.countries.length + 1;
}

export function columnNames(spec: FeatureSpec): string[] {
  return [
    ...NUMERIC_COLUMNS,
    ...spec.channels.map((c) => `channel=${c}`),
    'channel=other',
    ...spec.countries.map((c) => `country=${c}`),
    'country=other',
  ];
}

function numeric(r: ScoringInput, out: Float32Array | number[], at: number): void {
  const { transaction: t, features: f } = r;
  const amt = Math.max(0, t.amount);
  out[at] = Math.log1p(amt);
  out[at + 1] = Math.log1p(f.user_transaction_count_1h);
  out[at + 2] = Math.log1p(f.user_avg_transaction_amount_24h);
  out[at + 3] = f.user_device_risk_score;
  out[at + 4] = Math.log((amt + 1) / (f.user_avg_transaction_amount_24h + 1));
}

/** learn vocabularies and normalisation from training rows */
export function fitSpec(rows: readonly ScoringInput[]): FeatureSpec {
  const ch = new Map<string, number>(),
    co = new Map<string, number>();
  const k = NUMERIC_COLUMNS.length;
  const sum = new Array<number>(k).fill(0),
    sq = new Array<number>(k).fill(0);
  const tmp = new Array<number>(k).fill(0);
  for (const r of rows) {
    ch.set(r.transaction.channel, (ch.get(r.transaction.channel) ?? 0) + 1);
    co.set(r.transaction.country, (co.get(r.transaction.country) ?? 0) + 1);
    numeric(r, tmp, 0);
    for (let i = 0; i < k; i++) {
      sum[i]! += tmp[i]!;
      sq[i]! += tmp[i]! * tmp[i]!;
    }
  }
  const n = Math.max(1, rows.length);
  const mean = sum.map((s) => s / n);
  const std = sq.map((s, i) => Math.sqrt(Math.max(s / n - mean[i]! * mean[i]!, 0)) || 1);
  const top = (m: Map<string, number>, max: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, max)
      .map(([v]) => v)
      .sort();
  return { channels: top(ch, 8), countries: top(co, MAX_COUNTRIES), mean, std };
}

/** encode rows into a row-major Float32Array [rows.length × inputWidth(spec)] */
export function encodeRows(rows: readonly ScoringInput[], spec: FeatureSpec): Float32Array {
  const w = inputWidth(spec);
  const k = NUMERIC_COLUMNS.length;
  const out = new Float32Array(rows.length * w);
  rows.forEach((r, i) => {
    const at = i * w;
    numeric(r, out, at);
    for (let j = 0; j < k; j++) out[at + j] = (out[at + j]! - spec.mean[j]!) / spec.std[j]!;
    const c = spec.channels.indexOf(r.transaction.channel);
    out[at + k + (c < 0 ? spec.channels.length : c)] = 1;
    const base = at + k + spec.channels.length + 1;
    const o = spec.countries.indexOf(r.transaction.country);
    out[base + (o < 0 ? spec.countries.length : o)] = 1;
  });
  return out;
}

/**
 * Service-time distributions for simulated stations. A spec is plain data (so it can sit in a
 * scenario file or summary.config); `sampler(spec)` turns it into a fast `(rng) => ms` function.
 *
 * `empirical` takes an encoded HDR histogram (TrendData.hdr of a live run's RunSummary, values in
 * microseconds) and samples from its recorded distribution: that is how a live run calibrates the
 * simulator.
 */
import type { Rng } from '../../generators/rng.ts';
import { PipelabError } from '../../errors.ts';
import { decodeValues } from '../../results/hdr.ts';

export type ServiceTimeSpec =
  | { type: 'deterministic'; ms: number }
  | { type: 'exponential'; meanMs: number }
  /** lognormal given by its median (e^μ) and the σ of the underlying normal */
  | { type: 'lognormal'; medianMs: number; sigma: number }
  /** encoded HDR histogram of microseconds (RunSummary TrendData.hdr) */
  | { type: 'empirical'; hdr: string };

export interface Sampler {
  sample(rng: Rng): number;
  /** the distribution's mean, ms (exact for parametric specs, from the histogram otherwise) */
  readonly mean: number;
}

/** lognormal spec from two percentiles of a measured latency (p50 and p99, ms) */
export function lognormalFromP50P99(p50: number, p99: number): ServiceTimeSpec {
  // z(0.99) of the standard normal
  return { type: 'lognormal', medianMs: p50, sigma: Math.log(p99 / p50) / 2.3263478740408408 };
}

export function sampler(spec: ServiceTimeSpec, path = '/serviceTime'): Sampler {
  switch (spec.type) {
    case 'deterministic': {
      positive(spec.ms, `${path}/ms`, true);
      const ms = spec.ms;
      return { sample: () => ms, mean: ms };
    }
    case 'exponential': {
      positive(spec.meanMs, `${path}/meanMs`);
      const m = spec.meanMs;
      return { sample: (rng) => -Math.log(rng.nextOpen()) * m, mean: m };
    }
    case 'lognormal': {
      positive(spec.medianMs, `${path}/medianMs`);
      if (!(spec.sigma >= 0)) throw bad(`${path}/sigma`, 'must be ≥ 0');
      const mu = Math.log(spec.medianMs),
        s = spec.sigma;
      return { sample: (rng) => Math.exp(mu + s * rng.normal()), mean: Math.exp(mu + (s * s) / 2) };
    }
    case 'empirical':
      return empirical(spec.hdr, path);
    default:
      throw bad(
        `${path}/type`,
        `unknown distribution ${JSON.stringify((spec as { type: unknown }).type)}; use deterministic, ` +
          `exponential, lognormal or empirical`,
      );
  }
}

/**
 * Samples a histogram by inverse CDF over its recorded values (results/hdr.ts decodeValues):
 * one uniform draw, a binary search over cumulative counts, the bucket's median-equivalent value.
 * Memory is the number of distinct buckets (a few thousand at most for 3 significant digits).
 * `count` is how many values the histogram recorded (a bootstrap draws as many: calibrate-draw.ts).
 */
export function empirical(encoded: string, path = '/hdr'): Sampler & { count: number } {
  let recorded: { valueMs: number; count: number }[];
  try {
    if (!encoded) throw new TypeError('no histogram');
    recorded = decodeValues(encoded);
  } catch (e) {
    throw new PipelabError('INVALID_ARGUMENT', `${path}/hdr is not an encoded HDR histogram`, {
      cause: e,
      hint: 'pass TrendData.hdr from a summary.json (hdr-histogram-js encodeIntoCompressedBase64)',
    });
  }
  const values: number[] = [];
  const cum: number[] = [];
  let total = 0,
    sum = 0;
  for (const { valueMs, count } of recorded) {
    total += count;
    sum += valueMs * count;
    values.push(valueMs);
    cum.push(total);
  }
  if (total === 0) throw bad(`${path}/hdr`, 'the histogram is empty: record at least one value');
  const vs = Float64Array.from(values),
    cs = Float64Array.from(cum);
  return {
    mean: sum / total,
    count: total,
    sample(rng) {
      const u = rng.next() * total;
      let lo = 0,
        hi = cs.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cs[mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      return vs[lo]!;
    },
  };
}

function positive(x: number, path: string, allowZero = false): void {
  if (!Number.isFinite(x) || x < 0 || (!allowZero && x === 0))
    throw bad(path, `must be a ${allowZero ? 'non-negative' : 'positive'} number of ms, got ${x}`);
}

function bad(path: string, message: string): PipelabError {
  return new PipelabError('INVALID_ARGUMENT', `invalid service-time distribution at ${path}: ${message}`, {
    issues: [{ path, message }],
    hint: 'e.g. { type: "exponential", meanMs: 5 } or { type: "lognormal", medianMs: 4, sigma: 0.5 }',
  });
}

/**
 * Calibration: the service-time distribution of one stage measured in a run (its trend's HDR
 * histogram in summary.json), e.g. `empiricalFromSummary(live, 'stage_features')` for the
 * feature store's hit/miss mix.
 */
export function empiricalFromSummary(
  summary: { metrics: Record<string, { type: string; hdr?: string; count?: number }> },
  metric: string,
): ServiceTimeSpec {
  const m = summary.metrics[metric];
  if (m?.type !== 'trend' || !m.hdr || !m.count) {
    const trends = Object.entries(summary.metrics)
      .filter(([, v]) => v.type === 'trend' && v.count)
      .map(([k]) => k);
    throw new PipelabError(
      'INVALID_ARGUMENT',
      `the run has no recorded trend ${JSON.stringify(metric)} to calibrate from`,
      { hint: `use one of: ${trends.join(', ') || '(no trend with samples)'}` },
    );
  }
  return { type: 'empirical', hdr: m.hdr };
}

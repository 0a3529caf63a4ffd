/**
 * Cost of a configuration or a run: replicas × instance price × hours, per group.
 * A run's replica-hours come from its replica timeline (simulated runs: summary.extra.sim.
 * replicaSeconds); a static configuration gives replica counts directly.
 * Cost per million events divides by the events processed in the same window.
 */
import { PipelabError } from '../../../errors.ts';
import type { RunSummary } from '../../../results/types.ts';
import { hourlyPrice, type Catalogue, type Pricing } from './catalogue.ts';

interface GroupCost {
  instance: string;
  pricing?: Pricing;
  /** instances per replica (a replica needing half a node: 0.5) */
  instancesPerReplica?: number;
}

/** which instance type each replica group runs on */
export type CostSpec = Record<string, GroupCost>;

export const DEFAULT_COST_SPEC: CostSpec = {
  consumers: { instance: 'c6i.xlarge' },
  modelServers: { instance: 'c6i.2xlarge' },
  featureStore: { instance: 'r6i.large' },
  // live pipeline runs also report their broker nodes (simulated runs have no broker group)
  brokers: { instance: 'm6i.large' },
};

export interface CostBreakdown {
  /** $/h per group */
  perGroupPerHour: Record<string, number>;
  /** replica-hours per group over the window (runs only) */
  replicaHours: Record<string, number>;
  perHour: number;
  /** total over the window, $ (runs only) */
  total: number;
  /** $ per million processed events (NaN when none) */
  perMillionEvents: number;
  currency: string;
}

function groupPrice(cat: Catalogue, spec: CostSpec, group: string): number {
  const g = spec[group];
  if (!g)
    throw new PipelabError('INVALID_ARGUMENT', `no instance type given for group ${JSON.stringify(group)}`, {
      hint: `add ${group}: { instance: "c6i.xlarge" } to the cost spec`,
    });
  return hourlyPrice(cat, g.instance, g.pricing) * (g.instancesPerReplica ?? 1);
}

/** a static configuration: replicas per group running at a given event rate */
export function configCost(
  replicas: Record<string, number>,
  eventsPerSec: number,
  cat: Catalogue,
  spec: CostSpec = DEFAULT_COST_SPEC,
): CostBreakdown {
  const perGroupPerHour: Record<string, number> = {};
  let perHour = 0;
  for (const [g, n] of Object.entries(replicas)) {
    perGroupPerHour[g] = n * groupPrice(cat, spec, g);
    perHour += perGroupPerHour[g]!;
  }
  const millionsPerHour = (eventsPerSec * 3600) / 1e6;
  return {
    perGroupPerHour,
    replicaHours: {},
    perHour,
    total: perHour,
    perMillionEvents: millionsPerHour > 0 ? perHour / millionsPerHour : NaN,
    currency: cat.currency,
  };
}

/** replica-seconds per group of a run, or undefined when the summary does not carry them */
function replicaSecondsOf(summary: RunSummary): Record<string, number> | undefined {
  const sim = (summary.extra?.sim as { replicaSeconds?: Record<string, number> } | undefined)?.replicaSeconds;
  if (sim) return sim;
  const r = summary.extra?.replicas as Record<string, number> | undefined;
  if (r) {
    const out = Object.fromEntries(Object.entries(r).map(([g, n]) => [g, (n * summary.durationMs) / 1000]));
    // an autoscaled live pipeline run: its processors over time, from the replicas_processors gauge
    const step = (summary.timeseries?.intervalMs || 1000) / 1000;
    const gauge = (summary.timeseries?.points ?? []).map((p) => (p.replicas_processors as { value?: number })?.value);
    if ('consumers' in out && gauge.some((v) => v !== undefined)) {
      // a gauge holds its value between the seconds it was set in
      let last = r.consumers ?? 0;
      let seconds = 0;
      for (const v of gauge) {
        last = v ?? last;
        seconds += last * step;
      }
      out.consumers = seconds;
    }
    return out;
  }
  return undefined;
}

function processedEvents(summary: RunSummary): number {
  for (const k of ['events_processed', 'iterations']) {
    const m = summary.metrics[k];
    if (m?.type === 'counter') return m.count;
  }
  return 0;
}

/**
 * Cost of a run from its replica-seconds. Events: events_processed (or iterations) of the
 * measured window; replica-hours cover the whole run (warm-up included, as a bill would).
 */
export function runCost(
  summary: RunSummary,
  cat: Catalogue,
  spec: CostSpec = DEFAULT_COST_SPEC,
): CostBreakdown | undefined {
  const rs = replicaSecondsOf(summary);
  if (!rs) return undefined;
  const perGroupPerHour: Record<string, number> = {};
  const replicaHours: Record<string, number> = {};
  let total = 0;
  const hours = summary.durationMs / 3_600_000;
  for (const [g, s] of Object.entries(rs)) {
    replicaHours[g] = s / 3600;
    const cost = replicaHours[g]! * groupPrice(cat, spec, g);
    perGroupPerHour[g] = hours > 0 ? cost / hours : 0;
    total += cost;
  }
  const events = processedEvents(summary);
  return {
    perGroupPerHour,
    replicaHours,
    perHour: hours > 0 ? total / hours : 0,
    total,
    perMillionEvents: events > 0 ? total / (events / 1e6) : NaN,
    currency: cat.currency,
  };
}

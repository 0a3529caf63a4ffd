/**
 * The model's replica groups and their autoscaling controllers (HPA policies per group, or KEDA's
 * Kafka scaler for the consumers), built from the scenario's `autoscaling` block.
 */
import { PipelabError } from '../../../errors.ts';
import { Hpa, type HpaSpec } from '../autoscale/hpa.ts';
import { KedaKafkaScaler } from '../autoscale/keda.ts';
import { ReplicaGroup } from '../autoscale/replicas.ts';
import type { ResolvedConfig } from '../config.ts';

export const GROUPS = ['consumers', 'modelServers', 'featureStore'] as const;
export type GroupName = (typeof GROUPS)[number];
export const G_CONS = 0;
export const G_MODEL = 1;
export const G_FEAT = 2;

export interface ReplicaChange {
  t: number;
  group: GroupName;
  replicas: number;
  ready: number;
}

export interface Controller {
  kind: 'hpa' | 'keda';
  group: number;
  hpa?: Hpa;
  keda?: KedaKafkaScaler;
  // cumulative counters at the previous sync
  lastT: number;
  lastCpu: number;
  lastModelSum: number;
  lastModelN: number;
  lastLookups: number;
  lastMisses: number;
}

export interface Groups {
  groups: ReplicaGroup[];
  maxRep: number[];
  controllers: Controller[];
  /**
   * start-up delay per triggering metric: a scale-out takes the delay of the rule whose proposal
   * won (the seed table gives each rule its own scale-out time, even where two rules share a group)
   */
  delayByMetric: Map<string, number>;
}

function groupIndex(g: string): number {
  const i = g === 'processors' ? G_CONS : GROUPS.indexOf(g as GroupName);
  if (i < 0)
    throw new PipelabError('INVALID_SCENARIO', `unknown autoscaling group ${JSON.stringify(g)}`, {
      issues: [
        {
          path: '/autoscaling/policies',
          message: `group must be one of consumers (alias processors), modelServers, featureStore`,
        },
      ],
    });
  return i;
}

export function buildGroups(cfg: ResolvedConfig): Groups {
  const C = cfg.consumers,
    F = cfg.featureStore,
    M = cfg.modelServer;
  const groups = [
    new ReplicaGroup('consumers', C.replicas, C.startupDelayMs),
    new ReplicaGroup('modelServers', M.replicas, M.startupDelayMs),
    new ReplicaGroup('featureStore', F.replicas, F.startupDelayMs),
  ];
  const maxRep = [C.maxReplicas, M.maxReplicas, F.maxReplicas];
  const controllers: Controller[] = [];
  const byGroup = new Map<number, HpaSpec[]>();
  const delayByMetric = new Map<string, number>();
  for (const p of cfg.autoscaling?.policies ?? []) {
    const g = groupIndex(p.group);
    byGroup.set(g, [...(byGroup.get(g) ?? []), p.hpa]);
    for (const m of p.hpa.metrics) delayByMetric.set(`${g}/${m.name}`, p.startupDelayMs);
    if (byGroup.get(g)!.length === 1) groups[g]!.startupDelayMs = p.startupDelayMs;
  }
  const blank = { lastT: 0, lastCpu: 0, lastModelSum: 0, lastModelN: 0, lastLookups: 0, lastMisses: 0 };
  if (cfg.autoscaling?.keda) {
    if (byGroup.has(G_CONS))
      throw new PipelabError('INVALID_SCENARIO', 'both a KEDA scaler and an HPA policy scale the consumers', {
        issues: [
          {
            path: '/autoscaling/keda',
            message: 'KEDA owns the consumers HPA; drop the consumers/processors policy or the keda block',
          },
        ],
      });
    controllers.push({
      kind: 'keda',
      group: G_CONS,
      keda: new KedaKafkaScaler({ maxReplicaCount: C.maxReplicas, target: 'consumers', ...cfg.autoscaling.keda }),
      ...blank,
    });
  }
  for (const [g, specs] of byGroup) {
    const merged: HpaSpec = {
      ...specs[0]!,
      name: specs.map((s) => s.name ?? 'hpa').join(' + '),
      target: GROUPS[g],
      maxReplicas: Math.min(maxRep[g]!, Math.max(...specs.map((s) => s.maxReplicas))),
      metrics: specs.flatMap((s) => s.metrics),
    };
    controllers.push({ kind: 'hpa', group: g, hpa: new Hpa(merged), ...blank });
  }
  return { groups, maxRep, controllers, delayByMetric };
}

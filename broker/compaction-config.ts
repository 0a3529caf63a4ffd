/**
 * The compaction topic configs (cleanup.policy, delete.retention.ms, min.cleanable.dirty.ratio,
 * min.compaction.lag.ms): parsed and checked here, so topics.ts can validate them on create and
 * compaction.ts can act on them without the two importing each other.
 */
export interface CompactionConfig {
  /** the log is compacted (cleanup.policy contains compact) */
  compact: boolean;
  /** time and size retention apply (cleanup.policy contains delete) */
  delete: boolean;
  /** how long a tombstone survives after the pass that first cleaned it (Kafka default 1 day) */
  deleteRetentionMs: number;
  /** a periodic pass cleans a partition when its dirty bytes / all bytes reach this (default 0.5) */
  minCleanableDirtyRatio: number;
  /** batches newer than this (by their newest record timestamp) are not compacted (default 0) */
  minCompactionLagMs: number;
}

export const COMPACTION_DEFAULTS: Record<string, string> = {
  'cleanup.policy': 'delete',
  'delete.retention.ms': '86400000',
  'min.cleanable.dirty.ratio': '0.5',
  'min.compaction.lag.ms': '0',
};

const POLICIES = new Set(['delete', 'compact', 'compact,delete', 'delete,compact']);

/** Parses the compaction configs; returns an error message naming the key on a bad value. */
export function parseCompactionConfig(configs: Record<string, string>): CompactionConfig | string {
  const get = (k: string) => configs[k] ?? COMPACTION_DEFAULTS[k]!;
  const policy = get('cleanup.policy').replace(/\s+/g, '');
  if (!POLICIES.has(policy))
    return `topic config cleanup.policy=${configs['cleanup.policy']} must be delete, compact or compact,delete`;
  const ints: Record<string, number> = {};
  for (const k of ['delete.retention.ms', 'min.compaction.lag.ms']) {
    const n = Number(get(k));
    if (!Number.isInteger(n) || n < 0) return `topic config ${k}=${get(k)} must be an integer >= 0`;
    ints[k] = n;
  }
  const ratio = Number(get('min.cleanable.dirty.ratio'));
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1)
    return `topic config min.cleanable.dirty.ratio=${get('min.cleanable.dirty.ratio')} must be a number in 0..1`;
  return {
    compact: policy.includes('compact'),
    delete: policy.includes('delete'),
    deleteRetentionMs: ints['delete.retention.ms']!,
    minCleanableDirtyRatio: ratio,
    minCompactionLagMs: ints['min.compaction.lag.ms']!,
  };
}

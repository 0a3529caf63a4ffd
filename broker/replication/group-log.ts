/**
 * Group membership of a replicated cluster (Kafka's GroupMetadataManager): the latest group record
 * (group-records.ts) of each group, per __consumer_offsets partition, as this node appended or
 * replicated it. When the node becomes leader of a partition it takes over that partition's groups
 * (Groups.restore: same generation, members and assignments; sessions counted from the takeover),
 * so members that heartbeat with the current generation carry on without a rebalance; when it
 * stops leading, it forgets them (their held requests are answered NOT_COORDINATOR).
 * A record replicated past what the new leader holds may be truncated away; the group is then
 * taken over at the generation before, and its members rejoin (a rebalance, not a loss).
 */
import { groupFromRecord } from '../group-records.ts';
import type { Groups } from '../groups.ts';
import { offsetsPartitionFor } from './offsets-log.ts';

export class GroupLog {
  /** partition index → group id → its latest record (null: deleted) */
  private readonly latest = new Map<number, Map<string, unknown>>();

  constructor(private readonly groups: Groups) {}

  remember(group: string, value: unknown): void {
    const partition = offsetsPartitionFor(group);
    const m = this.latest.get(partition) ?? new Map<string, unknown>();
    this.latest.set(partition, m);
    m.set(group, value);
  }

  /** this node now leads `partition`: it coordinates that partition's groups from their records */
  takeOver(partition: number): void {
    for (const [id, value] of this.latest.get(partition) ?? []) {
      const g = value === null ? undefined : groupFromRecord(id, value);
      if (g) this.groups.restore(g);
      else this.groups.unload(id);
    }
  }

  /** another node leads `partition` now: its groups are no longer coordinated here */
  resign(partition: number): void {
    for (const g of this.groups.all()) if (offsetsPartitionFor(g.id) === partition) this.groups.unload(g.id);
  }
}

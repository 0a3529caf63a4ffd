/** Committed offsets per group, topic and partition (OffsetCommit / OffsetFetch / lag). */
export interface Committed {
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
}

export class Offsets {
  private readonly groups = new Map<string, Map<string, Map<number, Committed>>>();

  commit(group: string, topic: string, partition: number, c: Committed): void {
    let g = this.groups.get(group);
    if (!g) {
      g = new Map();
      this.groups.set(group, g);
    }
    let t = g.get(topic);
    if (!t) {
      t = new Map();
      g.set(topic, t);
    }
    t.set(partition, c);
  }

  get(group: string, topic: string, partition: number): Committed | undefined {
    return this.groups.get(group)?.get(topic)?.get(partition);
  }

  /** every committed (topic, partition) of a group */
  entries(group: string): Array<{ topic: string; partition: number; committed: Committed }> {
    const out: Array<{ topic: string; partition: number; committed: Committed }> = [];
    for (const [topic, parts] of this.groups.get(group) ?? [])
      for (const [partition, committed] of parts) out.push({ topic, partition, committed });
    return out;
  }

  has(group: string): boolean {
    return this.groups.has(group);
  }
  groupIds(): string[] {
    return [...this.groups.keys()];
  }
  deleteGroup(group: string): void {
    this.groups.delete(group);
  }
  deleteTopic(topic: string): void {
    for (const g of this.groups.values()) g.delete(topic);
  }
}

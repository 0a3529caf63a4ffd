/**
 * The idempotent sink's memory: event ids already written, bounded (oldest forgotten first).
 * A JS Set keeps insertion order, so evicting the oldest is O(1). Each input partition's state
 * holds one (state/store.ts, 20 000 ids): a redelivery after a retried batch is well inside it.
 * Not shared between processors: ids another owner wrote after the checkpoint a state restored
 * are not in its windows, so they must be processed again, not skipped.
 */
export class RecentIds {
  private readonly ids = new Set<string>();
  constructor(readonly capacity = 200_000) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be ≥ 1');
  }
  has(id: string): boolean {
    return this.ids.has(id);
  }
  add(id: string): void {
    const before = this.ids.size;
    this.ids.add(id); // one hash lookup: an id already there keeps its place and the size
    if (this.ids.size === before) return;
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value as string;
      this.ids.delete(oldest);
    }
  }
  get size(): number {
    return this.ids.size;
  }
}

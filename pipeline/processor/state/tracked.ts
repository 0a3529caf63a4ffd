/**
 * Tumbling windows that remember which windows changed since the last checkpoint: an open window
 * that gained events is written to the changelog as its running aggregate, a closed one as a
 * tombstone, so the compacted changelog holds exactly the open windows of its partition.
 */
import { TumblingWindows, type Open, type WindowAggregate } from '../windows.ts';

/** `<end>|<userId>`: a window's changelog key suffix (end first: userIds may hold '|') */
const keyOf = (end: number, userId: string) => `${end}|${userId}`;

export class TrackedWindows extends TumblingWindows {
  private readonly dirty = new Set<string>();

  override add(userId: string, eventTime: number, amount: number, fraud: boolean): 'ok' | 'late' {
    const r = super.add(userId, eventTime, amount, fraud);
    if (r === 'ok') this.dirty.add(keyOf(this.windowStart(eventTime) + this.sizeMs, userId));
    return r;
  }

  override closeReady(): WindowAggregate[] {
    return this.track(super.closeReady());
  }

  override flush(): WindowAggregate[] {
    return this.track(super.flush());
  }

  private track(closed: WindowAggregate[]): WindowAggregate[] {
    for (const a of closed) this.dirty.add(keyOf(a.windowEnd, a.userId));
    return closed;
  }

  /** the windows changed since the last call: the running aggregate of open ones, null for closed ones */
  takeChanges(): Array<{ key: string; w: Open | null }> {
    const out: Array<{ key: string; w: Open | null }> = [];
    for (const key of this.dirty) {
      const i = key.indexOf('|');
      const w = this.entry(key.slice(i + 1), Number(key.slice(0, i)));
      out.push({ key, w: w ? { ...w } : null });
    }
    this.dirty.clear();
    return out;
  }

  get changed(): number {
    return this.dirty.size;
  }
}

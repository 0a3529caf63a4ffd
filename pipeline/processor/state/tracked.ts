/**
 * Tumbling windows that remember which windows changed since the last checkpoint: an open window
 * that gained events is written to the changelog as its running aggregate, a closed one as a
 * tombstone, so the compacted changelog holds exactly the open windows of its partition.
 */
import { TumblingWindows, type Open, type WindowAggregate } from '../windows.ts';

/** `<end>|<userId>`: a window's changelog key suffix (end first: userIds may hold '|') */
const keyOf = (end: number, userId: string) => `${end}|${userId}`;

export class TrackedWindows extends TumblingWindows {
  /** the changed windows: users by window end (no key string per event; the keys are made at takeChanges) */
  private readonly dirty = new Map<number, Set<string>>();

  override add(userId: string, eventTime: number, amount: number, fraud: boolean): 'ok' | 'late' {
    const r = super.add(userId, eventTime, amount, fraud);
    if (r === 'ok') this.mark(this.windowStart(eventTime) + this.sizeMs, userId);
    return r;
  }

  private mark(end: number, userId: string): void {
    let users = this.dirty.get(end);
    if (!users) {
      users = new Set();
      this.dirty.set(end, users);
    }
    users.add(userId);
  }

  override closeReady(): WindowAggregate[] {
    return this.track(super.closeReady());
  }

  override flush(): WindowAggregate[] {
    return this.track(super.flush());
  }

  private track(closed: WindowAggregate[]): WindowAggregate[] {
    for (const a of closed) this.mark(a.windowEnd, a.userId);
    return closed;
  }

  /** the windows changed since the last call: the running aggregate of open ones, null for closed ones */
  takeChanges(): Array<{ key: string; w: Open | null }> {
    const out: Array<{ key: string; w: Open | null }> = [];
    for (const [end, users] of this.dirty)
      for (const userId of users) {
        const w = this.entry(userId, end);
        out.push({ key: keyOf(end, userId), w: w ? { ...w } : null });
      }
    this.dirty.clear();
    return out;
  }

  get changed(): number {
    let n = 0;
    for (const users of this.dirty.values()) n += users.size;
    return n;
  }
}

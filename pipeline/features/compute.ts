/**
 * Per-user features computed from the transaction stream (event time), with bounded memory:
 *
 * - `user_transaction_count_1h`: a sliding 1 h count kept in 60 one-minute buckets (a ring), so
 *   the window slides in 1-minute steps and a user costs 60 small integers, not one entry per
 *   transaction.
 * - `user_avg_transaction_amount_24h`: a sliding 24 h mean amount in 24 one-hour buckets of
 *   (sum, count).
 * - `user_device_risk_score` in [0, 1]: how unusual this device is for this user. A device the
 *   user has used before scores low; a new device scores high, higher still when the user has
 *   had several new devices lately or the device is shared by many users (account-takeover and
 *   device-farm patterns). Per-user device history is capped (most recent DEVICE_HISTORY), and
 *   device → users sharing counts live in a capped LRU map.
 *
 * Features include the current transaction (they are what the store holds after it), and the
 * same function runs at training and in the stream processor, so training and serving agree.
 * Users idle longer than 24 h are forgotten (`evictIdle`), which bounds the user map too.
 */
import type { TransactionInput, UserFeatures } from '../types.ts';
import { eventTimeMs } from '../types.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DEVICE_HISTORY = 8;

class Ring {
  /** bucket index (time / width) that each slot currently holds */
  private readonly slotOf: Float64Array;
  readonly sums: Float64Array;
  readonly counts: Float64Array;
  constructor(
    readonly slots: number,
    readonly widthMs: number,
  ) {
    this.slotOf = new Float64Array(slots).fill(-1);
    this.sums = new Float64Array(slots);
    this.counts = new Float64Array(slots);
  }
  add(tMs: number, value: number): void {
    const b = Math.floor(tMs / this.widthMs);
    const i = ((b % this.slots) + this.slots) % this.slots;
    if (this.slotOf[i] !== b) {
      // a late event older than the window is dropped from the window (it would be expired)
      if ((this.slotOf[i] as number) > b) return;
      this.slotOf[i] = b;
      this.sums[i] = 0;
      this.counts[i] = 0;
    }
    this.sums[i] = (this.sums[i] as number) + value;
    this.counts[i] = (this.counts[i] as number) + 1;
  }
  /** totals over buckets within the window ending at tMs */
  total(tMs: number): { sum: number; count: number } {
    const now = Math.floor(tMs / this.widthMs);
    let sum = 0,
      count = 0;
    for (let i = 0; i < this.slots; i++) {
      const b = this.slotOf[i] as number;
      if (b > now - this.slots && b <= now) {
        sum += this.sums[i] as number;
        count += this.counts[i] as number;
      }
    }
    return { sum, count };
  }
}

/** a device in DeviceLru: its users, and its neighbours in the order of last use */
interface DeviceEntry {
  id: string;
  users: string[];
  older: DeviceEntry | undefined;
  newer: DeviceEntry | undefined;
}

/**
 * deviceId → the users seen on it, at most `max` devices, the least recently used dropped first. A list through
 * the entries keeps the order of use, so a device used again moves in place: a Map kept in that order by a delete
 * and a set per use made and dropped hash table space at every event (1 % of the pipeline's thread at 12,500/s).
 */
export class DeviceLru {
  private readonly map = new Map<string, DeviceEntry>();
  /** least recently used */
  private oldest: DeviceEntry | undefined;
  /** most recently used */
  private newest: DeviceEntry | undefined;

  constructor(private readonly max: number) {}

  get size(): number {
    return this.map.size;
  }

  /**
   * the device's users (the list itself, to change in place), the device now the most recently used; a device
   * not held gets an empty list, and past `max` devices the least recently used is dropped
   */
  touch(deviceId: string): string[] {
    let e = this.map.get(deviceId);
    if (e) {
      if (e !== this.newest) {
        this.unlink(e);
        this.append(e);
      }
      return e.users;
    }
    e = { id: deviceId, users: [], older: undefined, newer: undefined };
    this.map.set(deviceId, e);
    this.append(e);
    if (this.map.size > this.max && this.oldest) {
      const drop = this.oldest;
      this.unlink(drop);
      this.map.delete(drop.id);
    }
    return e.users;
  }

  /** device ids, least recently used first */
  ids(): string[] {
    const out: string[] = [];
    for (let e = this.oldest; e; e = e.newer) out.push(e.id);
    return out;
  }

  private unlink(e: DeviceEntry): void {
    if (e.older) e.older.newer = e.newer;
    else this.oldest = e.newer;
    if (e.newer) e.newer.older = e.older;
    else this.newest = e.older;
    e.older = undefined;
    e.newer = undefined;
  }

  private append(e: DeviceEntry): void {
    e.older = this.newest;
    if (this.newest) this.newest.newer = e;
    else this.oldest = e;
    this.newest = e;
  }
}

interface UserState {
  count1h: Ring;
  amount24h: Ring;
  /** most recent first */
  devices: string[];
  /** event times of recent first-seen devices (bounded by DEVICE_HISTORY) */
  newDeviceTimes: number[];
  lastSeenMs: number;
  /** the input partition the user's events came from (a stream processor's tag; see retainParts) */
  part?: string;
}

export interface FeatureComputerOptions {
  /** max devices tracked for sharing counts (LRU); default 100 000 */
  maxDevices?: number;
}

export class FeatureComputer {
  private readonly users = new Map<string, UserState>();
  /** deviceId → distinct users seen on it (capped list), in LRU order */
  private readonly deviceUsers: DeviceLru;

  constructor(opts: FeatureComputerOptions = {}) {
    this.deviceUsers = new DeviceLru(opts.maxDevices ?? 100_000);
  }

  get userCount(): number {
    return this.users.size;
  }

  /**
   * fold one transaction into the user's state and return the user's features after it; `part` tags
   * the user with the input partition it came from, so retainParts can drop it when that partition moves
   */
  update(tx: TransactionInput, part?: string): UserFeatures {
    const t = eventTimeMs(tx);
    let s = this.users.get(tx.userId);
    if (!s) {
      s = {
        count1h: new Ring(60, MINUTE),
        amount24h: new Ring(24, HOUR),
        devices: [],
        newDeviceTimes: [],
        lastSeenMs: t,
      };
      this.users.set(tx.userId, s);
    }
    s.lastSeenMs = Math.max(s.lastSeenMs, t);
    if (part !== undefined) s.part = part;
    s.count1h.add(t, 1);
    s.amount24h.add(t, tx.amount);
    const risk = this.deviceRisk(s, tx.userId, tx.deviceId, t);
    const c = s.count1h.total(t).count;
    const a = s.amount24h.total(t);
    return {
      user_transaction_count_1h: c,
      user_avg_transaction_amount_24h: a.count ? a.sum / a.count : 0,
      user_device_risk_score: risk,
    };
  }

  private deviceRisk(s: UserState, userId: string, deviceId: string, t: number): number {
    const sharers = this.touchDevice(deviceId, userId);
    const known = s.devices.indexOf(deviceId);
    const firstEver = s.devices.length === 0;
    if (known >= 0) s.devices.splice(known, 1);
    s.devices.unshift(deviceId);
    if (s.devices.length > DEVICE_HISTORY) s.devices.pop();
    let score: number;
    if (known >= 0) score = 0.05;
    else if (firstEver)
      score = 0.2; // a user's first device says little
    else {
      s.newDeviceTimes.unshift(t);
      if (s.newDeviceTimes.length > DEVICE_HISTORY) s.newDeviceTimes.pop();
      const recentNew = s.newDeviceTimes.filter((x) => t - x <= 24 * HOUR).length;
      score = 0.6 + 0.1 * Math.min(recentNew - 1, 3);
    }
    // a device used by several users is riskier whatever this user's history
    score += 0.1 * Math.min(sharers - 1, 3);
    return Math.min(1, Math.round(score * 1000) / 1000);
  }

  /** record userId on deviceId; returns the number of distinct users seen on it (capped) */
  private touchDevice(deviceId: string, userId: string): number {
    const us = this.deviceUsers.touch(deviceId);
    if (!us.includes(userId)) {
      us.push(userId);
      if (us.length > 8) us.shift();
    }
    return us.length;
  }

  /**
   * a rebalance took partitions away: forget the users tagged with a partition not in `keep`. Their
   * next owner computes their features from its own state; kept here they would only be stale (the
   * events in between go elsewhere) and, until the 24 h idle eviction, one more user state per user
   * each time partitions move (up to 2x the users in a soak). Untagged users are kept.
   */
  retainParts(keep: ReadonlySet<string>): number {
    let n = 0;
    for (const [u, s] of this.users)
      if (s.part !== undefined && !keep.has(s.part)) {
        this.users.delete(u);
        n++;
      }
    return n;
  }

  /** forget users idle for more than 24 h at event time nowMs; returns how many were dropped */
  evictIdle(nowMs: number): number {
    let n = 0;
    for (const [u, s] of this.users) {
      if (nowMs - s.lastSeenMs > 24 * HOUR) {
        this.users.delete(u);
        n++;
      }
    }
    return n;
  }
}

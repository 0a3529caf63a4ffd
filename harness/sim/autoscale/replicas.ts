/**
 * A simulated replica group: spec replicas plus pods that become ready `startupDelayMs` after
 * they are created. Scaling down removes pods that are not ready yet first, then the newest.
 */
import type { PodSample } from './types.ts';

export class ReplicaGroup {
  readonly name: string;
  startupDelayMs: number;
  /** ready-at time of each pod, oldest first */
  private readyAt: number[] = [];

  constructor(name: string, initial: number, startupDelayMs = 0) {
    this.name = name;
    this.startupDelayMs = startupDelayMs;
    for (let i = 0; i < initial; i++) this.readyAt.push(-Infinity);
  }

  /** spec replicas (ready or not) */
  get replicas(): number {
    return this.readyAt.length;
  }

  ready(nowMs: number): number {
    let n = 0;
    for (const t of this.readyAt) if (t <= nowMs) n++;
    return n;
  }

  /** sets spec replicas; returns the ready-at times of pods added (for the caller's event queue) */
  scaleTo(n: number, nowMs: number): number[] {
    const added: number[] = [];
    while (this.readyAt.length < n) {
      const t = nowMs + this.startupDelayMs;
      this.readyAt.push(t);
      added.push(t);
    }
    while (this.readyAt.length > n) {
      let idx = this.readyAt.length - 1;
      for (let i = this.readyAt.length - 1; i >= 0; i--)
        if (this.readyAt[i]! > nowMs) {
          idx = i;
          break;
        }
      this.readyAt.splice(idx, 1);
    }
    return added;
  }

  /** pods as the HPA sees them, with one per-pod metric value for every ready pod */
  pods(nowMs: number, values: Record<string, number | undefined>): PodSample[] {
    return this.readyAt.map((t) => (t <= nowMs ? { ready: true, values } : { ready: false, values: {} }));
  }
}

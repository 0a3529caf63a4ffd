/**
 * The pipeline target's user-behaviour feed: with `userEvents: { share }` that share of the
 * iterations sends a clickstream event (the user-events generator's sessions) to `user-events`
 * instead of a transaction, optionally with disorder (late and out-of-order event times, the
 * ground truth kept). The processors window them per user; each event ends counted in a window
 * aggregate on processed-events or dead-lettered (reason 'late' past the allowed lateness), and
 * these books check that: produced = windowed + dead-lettered, else missing (or excess).
 */
import { z } from 'zod';
import { Disorder, type DisorderTruth } from '../../../generators/disorder.ts';
import type { Rng } from '../../../generators/rng.ts';
import { userEventToJson } from '../../../generators/serialize.ts';
import { Checker } from '../../../generators/spec/check.ts';
import type { Distribution } from '../../../generators/spec/types.ts';
import { checkDistribution } from '../../../generators/spec/validate-fields.ts';
import { createUserEventStream, type UserEventStream } from '../../../generators/user-events.ts';
import type { Kafka } from 'kafkajs';
import { groupLag } from '../../../pipeline/processor/lag.ts';
import { TOPICS } from '../../../pipeline/topics.ts';
import { probability, strictObject } from '../../config/fields.ts';
import type { IterationOutcome } from '../api.ts';
import type { RecordProducer } from '../producers.ts';

/** a lag distribution in ms, checked by the event specs' own validator (docs/event-specs.md) */
const distribution = z.custom<Distribution>().superRefine((v, ctx) => {
  const c = new Checker();
  checkDistribution(c, v, '');
  for (const i of c.issues)
    ctx.addIssue({ code: 'custom', path: i.path.split('/').filter(Boolean), message: i.message });
});

export const userEventsSchema = strictObject({
  /** share of iterations that send a user event instead of a transaction (0–1) */
  share: probability(),
  /** a share of user events whose event time lags their send time by `lag` ms */
  disorder: strictObject({ share: probability(), lag: distribution }).optional(),
});
export type UserEventsConfig = z.output<typeof userEventsSchema>;

export interface UserEventsAccounting {
  /** user events the broker acknowledged */
  produced: number;
  produceFailed: number;
  /** events counted in the user-behaviour window aggregates observed on processed-events */
  windowed: number;
  windowsObserved: number;
  deadLettered: number;
  /** dead letters by reason: late (past the allowed lateness), schema, malformed-json … */
  deadLetterReasons: Record<string, number>;
  /** produced − windowed − dead-lettered, when positive */
  missing: number;
  /** windowed + dead-lettered − produced, when positive (an event counted twice: a redelivery) */
  excess: number;
  /** what the generator sent late and out of order (with disorder) */
  truth?: DisorderTruth;
}

export class UserEventsFeed {
  private readonly gen: UserEventStream;
  private readonly pick: Rng;
  private readonly disorder: Disorder | undefined;
  private readonly dead = new Set<string>();
  private readonly a = {
    produced: 0,
    produceFailed: 0,
    windowed: 0,
    windowsObserved: 0,
    deadLetterReasons: {} as Record<string, number>,
  };

  constructor(
    readonly c: UserEventsConfig,
    rng: Rng,
    o: { users: number; allowedLatenessMs: number; idScope?: string | undefined },
  ) {
    const users = { count: o.users, zipf: 1.1 };
    this.gen = createUserEventStream({
      seed: rng.fork('user-events').seed,
      users,
      ...(o.idScope ? { idScope: o.idScope } : {}),
    });
    this.pick = rng.fork('user-events-share');
    this.disorder = c.disorder ? new Disorder(c.disorder, rng.fork('user-events'), o.allowedLatenessMs) : undefined;
  }

  /** whether this iteration sends a user event */
  turn(): boolean {
    return this.pick.next() < this.c.share;
  }

  /** one user event sent at the intended time `sent` (epoch ms) */
  send(out: RecordProducer, sent: number): Promise<IterationOutcome> {
    const e = this.gen.next();
    e.eventTime = this.disorder ? this.disorder.eventTime(sent) : Math.floor(sent);
    this.a.produced++;
    const msg = {
      key: e.userId,
      value: userEventToJson(e),
      eventId: e.id, // with sentMs: pipelab's headers, written by the producer
      sentMs: sent,
    };
    return out.send(msg).then((ok) => {
      if (!ok) {
        this.a.produced--;
        this.a.produceFailed++;
      }
      return { ok };
    });
  }

  /** a dead letter whose source is user-events; a second one for the same id is not counted */
  deadLettered(id: string, reason: string): boolean {
    if (this.dead.has(id)) return false;
    this.dead.add(id);
    this.a.deadLetterReasons[reason] = (this.a.deadLetterReasons[reason] ?? 0) + 1;
    return true;
  }

  /** a user-behaviour window aggregate of `events` events */
  aggregate(events: number): void {
    this.a.windowed += events;
    this.a.windowsObserved++;
  }

  /** events not yet seen in a window or a dead letter */
  get outstanding(): number {
    return this.a.produced - this.a.windowed - this.dead.size;
  }

  finish(): UserEventsAccounting {
    const seen = this.a.windowed + this.dead.size;
    return {
      ...this.a,
      deadLetterReasons: { ...this.a.deadLetterReasons },
      deadLettered: this.dead.size,
      missing: Math.max(0, this.a.produced - seen),
      excess: Math.max(0, seen - this.a.produced),
      ...(this.disorder ? { truth: this.disorder.truth() } : {}),
    };
  }
}

/**
 * Waits until the processor group has committed every user event on the topic, or until `deadline` (performance.now()):
 * the processors must take each one before they stop, since most windows are written at the stop. Before, the drain
 * waited for transactions only, so a user event sent last could still be in the topic when the processors stopped:
 * counted missing after waiting the whole drain timeout (2 of 4 runs of rerun.test's scenario, 20 s each), and taken
 * by the next run on the same Kafka as an excess.
 */
export async function userEventsTaken(kafka: Kafka, groupId: string, deadline: number): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    while ((await groupLag(admin, groupId, TOPICS.userEvents)) > 0 && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
  } catch {
    // best effort: a Kafka going away is reported by the books (missing), not here
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

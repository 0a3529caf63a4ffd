/**
 * The user-behaviour step of the reference pipeline: clickstream events from `user-events` into
 * per-user 5-minute tumbling event-time windows (the same TumblingWindows, watermark and allowed
 * lateness as transactions), aggregates to `processed-events` when a window closes. An event
 * later than the allowed lateness goes to dead-letter with reason 'late'; one that is not a
 * user event (bad JSON, a missing userId, a bad event time) goes there with its reason. Every
 * input record ends in exactly one place: counted in a window, or dead-lettered.
 */
import type { KafkaMessage, Message } from 'kafkajs';
import { USER_EVENT_TYPES } from '../../generators/user-events.ts';
import { H, header } from './headers.ts';
import { deadLetterMessage } from './messages.ts';
import type { TumblingWindows, WindowAggregate } from './windows.ts';

/** the fields the windows need */
interface UserEventFields {
  id: string;
  userId: string;
  eventTime: number;
  type: string;
}

const TYPES = new Set<string>(USER_EVENT_TYPES);

type Check = { ok: true; e: UserEventFields } | { ok: false; reason: string; detail: string };

export function validateUserEvent(value: Buffer | null): Check {
  if (!value || value.length === 0) return { ok: false, reason: 'empty', detail: 'the record has no value' };
  let v: unknown;
  try {
    v = JSON.parse(value.toString('utf8'));
  } catch (e) {
    return { ok: false, reason: 'malformed-json', detail: (e as Error).message };
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    return { ok: false, reason: 'schema', detail: 'expected a JSON object' };
  const o = v as Record<string, unknown>;
  if (typeof o.userId !== 'string' || o.userId === '')
    return { ok: false, reason: 'schema', detail: 'userId: expected a non-empty string' };
  if (typeof o.eventTime !== 'number' || !Number.isFinite(o.eventTime))
    return { ok: false, reason: 'schema', detail: 'eventTime: expected epoch milliseconds' };
  if (typeof o.type !== 'string' || !TYPES.has(o.type))
    return { ok: false, reason: 'schema', detail: `type: expected one of ${USER_EVENT_TYPES.join(', ')}` };
  return {
    ok: true,
    e: { id: typeof o.id === 'string' ? o.id : '', userId: o.userId, eventTime: o.eventTime, type: o.type },
  };
}

/** a closed user-behaviour window on processed-events: events in it, and how many were purchases */
export function behaviourAggregateMessage(processorId: string, a: WindowAggregate): Message {
  const value = {
    kind: 'user-behaviour',
    userId: a.userId,
    windowStart: a.windowStart,
    windowEnd: a.windowEnd,
    events: a.count,
    purchases: a.sum,
  };
  return { key: a.userId, value: JSON.stringify(value), headers: { [H.processor]: processorId } };
}

export interface BehaviourChunk {
  /** events counted in a window */
  accepted: number;
  late: number;
  /** dead letters, the late ones included */
  dead: Message[];
  /** aggregates of the windows this chunk closed */
  closed: Message[];
  dups: number;
  /** ids written by this chunk (dedup once the sink acknowledges) */
  ids: string[];
}

/** one chunk of user events through the windows of its partition */
export function behaviourChunk(
  processorId: string,
  w: TumblingWindows,
  at: { topic: string; partition: number; received: number },
  messages: KafkaMessage[],
  isDuplicate: (offset: string, id: string) => boolean,
): BehaviourChunk {
  const out: BehaviourChunk = { accepted: 0, late: 0, dead: [], closed: [], dups: 0, ids: [] };
  for (const msg of messages) {
    const v = validateUserEvent(msg.value);
    const id =
      header(msg.headers, H.eventId) ?? (v.ok && v.e.id ? v.e.id : `${at.topic}/${at.partition}/${msg.offset}`);
    if (isDuplicate(msg.offset, id)) {
      out.dups++;
      continue;
    }
    out.ids.push(id);
    const origin = { ...at, msg, id };
    if (!v.ok) {
      out.dead.push(deadLetterMessage(processorId, origin, v.reason, v.detail));
      continue;
    }
    const e = v.e;
    if (w.add(e.userId, e.eventTime, e.type === 'purchase' ? 1 : 0, false) === 'late') {
      out.late++;
      const detail =
        `event time ${e.eventTime} is before the watermark ${w.watermark} (window ` +
        `${w.windowStart(e.eventTime)} closed)`;
      out.dead.push(deadLetterMessage(processorId, origin, 'late', detail));
    } else out.accepted++;
  }
  out.closed = w.closeReady().map((a) => behaviourAggregateMessage(processorId, a));
  return out;
}

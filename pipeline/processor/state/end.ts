/**
 * End of input under exactly-once: the windows still open close in transactions, one per input
 * partition, with that partition's offset, through its transactional producer (exactly-once.ts),
 * never with a plain send. A processor may hold a partition's state that went stale while its
 * group session lapsed (a commit hung on a dead coordinator) and another processor took the
 * partition and processed on: that processor fenced this one's producer, so the closing
 * transaction fails, the stale state is dropped, the producer opened again (fencing in its turn
 * and reading the group's offset) and the state restored from the changelog, and its windows
 * close from there. The partitions a processor was assigned but never restored (no batch came
 * since the rebalance) are restored the same way: their open windows are in the changelog only.
 */
import type { TopicMessages } from 'kafkajs';
import type { TransactionalSink } from '../exactly-once.ts';
import { TOPICS } from '../../topics.ts';
import { behaviourAggregateMessage } from '../behaviour.ts';
import { aggregateMessage } from '../messages.ts';
import type { Aggregate, ProcessorState } from './store.ts';

const TRIES = 3;

/** a closed window's record: transactions' aggregates, or user behaviour's (behaviour.ts) */
const aggregateOf =
  (processorId: string): Aggregate =>
  (topic, a) =>
    topic === TOPICS.userEvents ? behaviourAggregateMessage(processorId, a) : aggregateMessage(processorId, a);

/**
 * the graceful stop's last output: every window still open closes. At least once, the held states'
 * aggregates and changelog records go in one plain send (acks -1); exactly once, see above. The
 * windows closed
 */
export async function closeWindows(
  state: ProcessorState,
  processorId: string,
  out: {
    eos?: TransactionalSink;
    send: (t: TopicMessages[]) => Promise<unknown>;
    /**
     * exactly-once: the partitions to close, state.owned() taken before the consumer left its group
     * (the partitions the group then hands to others are theirs to close)
     */
    owned?: Array<[string, number]>;
  },
): Promise<number> {
  const { eos } = out;
  const aggregate = aggregateOf(processorId);
  if (!eos) {
    const { closed, out: messages } = state.flushAll(aggregate);
    if (messages.length) await out.send(messages).catch(() => {});
    return closed;
  }
  const owned = out.owned ?? state.owned();
  const closed = await Promise.all(owned.map(([t, p]) => closePartition(state, eos, t, p, aggregate)));
  state.counts.unclosed = closed.filter((n) => n < 0).length;
  return closed.reduce((sum, n) => sum + Math.max(0, n), 0);
}

/** the windows closed, or -1 when every try failed (the broker unreachable: the windows stay in the changelog) */
async function closePartition(
  state: ProcessorState,
  sink: TransactionalSink,
  topic: string,
  partition: number,
  aggregate: Aggregate,
): Promise<number> {
  for (let i = 0; i < TRIES; i++) {
    try {
      // fence the partition's other writers before reading its changelog, as before a first batch
      if (!state.get(topic, partition)) await sink.fresh(topic, partition, []);
      const { s } = await state.ready(topic, partition);
      if (s.windows.openWindows() === 0) return 0;
      const { closed, out } = state.flush(topic, partition, s, aggregate);
      await sink.commit(topic, partition, out, s.next);
      return closed;
    } catch {
      state.drop(topic, partition);
    }
  }
  return -1;
}

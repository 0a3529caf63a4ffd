/**
 * Group liveness while a batch is being processed. kafkajs heartbeats only when its runner or the
 * batch handler calls heartbeat(), so a chunk that waits on a slow dependency (Redis down, the model
 * server slow) for longer than the session timeout lost the processor its group membership: its
 * partitions moved to another processor, which processed the same records again (duplicates) while
 * this one was still working on them. Kafka's own consumer heartbeats from a background thread and
 * bounds processing separately (max.poll.interval.ms); this does the same: while a batch is in
 * progress it heartbeats every interval, and gives up after `maxPollIntervalMs` so a wedged
 * processor still hands its partitions over.
 */

import type { ResolvedProcessorOptions } from './options.ts';

/**
 * heartbeat the batch's group every interval until the returned function is called; rebalance errors end it quietly.
 * `stopped`: true once the processor was killed (a crashed process sends nothing)
 */
export function keepAlive(
  batch: { heartbeat(): Promise<void> },
  o: Pick<ResolvedProcessorOptions, 'heartbeatIntervalMs' | 'maxPollIntervalMs'>,
  stopped: () => boolean,
): () => void {
  const started = Date.now();
  const maxMs = o.maxPollIntervalMs;
  let done = false;
  const timer = setInterval(() => {
    if (done || stopped() || Date.now() - started >= maxMs) return stop();
    // a rebalance in progress or a lost member id: the batch handler's own heartbeat after the chunk
    // meets the same error and hands the batch back to kafkajs, which rejoins
    batch.heartbeat().catch(stop);
  }, o.heartbeatIntervalMs);
  timer.unref?.();
  function stop(): void {
    done = true;
    clearInterval(timer);
  }
  return stop;
}

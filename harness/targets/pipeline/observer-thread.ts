/**
 * The body of the results observer's worker thread (observer.ts starts it): the results consumer
 * on this thread's event loop; each batch read here (results.ts readBatch: headers, JSON, re-reads
 * dropped) and posted as plain observations to the thread that books them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type ObserverReply, type ObserverThreadData, openResultsConsumer } from './observer.ts';
import { readBatch } from './results.ts';

const parent = parentPort as NonNullable<typeof parentPort>;
const reply = (m: ObserverReply) => parent.postMessage(m);
const o = workerData as ObserverThreadData;

try {
  const seen = new Map<string, bigint>();
  const consumer = await openResultsConsumer(o, (b) => reply({ type: 'batch', batch: readBatch(b, seen, o.samples) }));
  parent.on('message', (m: unknown) => {
    if (m !== 'stop') return;
    void consumer.stop().then(() => reply({ type: 'stopped' }));
  });
  reply({ type: 'ready' });
} catch (e) {
  reply({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
}

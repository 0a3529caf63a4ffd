/**
 * A watchdog for a kafkajs member's clean stop (offset-validation-member.ts). kafkajs 2.2.4 can
 * spin forever inside consumer.disconnect(): when a fetcher rebalance (the cluster's node list
 * changed) races the runner's stop, the fetch manager creates new fetchers after the stop, and
 * each of their fetches returns [] at once because the runner is no longer running (fetcher.js,
 * fetchManager.js, runner.js fetch). That loop only ever awaits resolved promises: the event loop
 * is starved, no timer or signal handler of the process runs again, and it never exits (seen once
 * in the rolling broker bounce, sampled over the inspector, committed offsets all in). A worker
 * thread is not starved: it watches a counter the main thread's timer advances and, once a stop
 * was asked and the counter stood still for STARVED_MS, says so on stderr and ends the process as
 * the process manager of an application would.
 */
import { Worker } from 'node:worker_threads';

const STARVED_MS = 10_000;
export const STARVED_LINE = 'kafkajs starved its event loop in disconnect()';

const WATCH = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const beat = new Int32Array(workerData.buffer);
let last = -1;
let since = Date.now();
setInterval(() => {
  const now = Date.now();
  const t = Atomics.load(beat, 0);
  if (Atomics.load(beat, 1) === 0 || t !== last) {
    last = t;
    since = now;
  } else if (now - since >= workerData.ms) {
    fs.writeSync(2, workerData.line + ' (no timer ran for ' + (now - since) + ' ms): killed\\n');
    process.kill(process.pid, 'SIGKILL');
  }
}, 250);
`;

/** starts the watchdog; call the returned function when the stop is asked */
export function watchStarvation(): () => void {
  const beat = new Int32Array(new SharedArrayBuffer(8));
  setInterval(() => Atomics.add(beat, 0, 1), 100).unref();
  new Worker(WATCH, { eval: true, workerData: { buffer: beat.buffer, ms: STARVED_MS, line: STARVED_LINE } }).unref();
  return () => Atomics.store(beat, 1, 1);
}

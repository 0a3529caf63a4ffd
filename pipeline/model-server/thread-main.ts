/**
 * The body of the model server's worker thread (thread.ts starts it): startModelServer on this
 * thread's event loop, so its HTTP parsing, JSON and inference run on another core than the thread
 * that started it. It answers that thread's requests (outage, faults, counts, close) by message;
 * the protocol's types are in thread.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startModelServer } from './server.ts';
import type { ThreadReply, ThreadRequest, ModelServerThreadOptions } from './thread.ts';

const parent = parentPort as NonNullable<typeof parentPort>;
const reply = (m: ThreadReply) => parent.postMessage(m);

/** the slow fault's delays, drawn by the starting thread (its run's random stream) and sent in blocks */
const delays = { queue: [] as number[], at: 0, asked: false };
const LOW_WATER = 256;
function nextDelay(): number {
  const q = delays.queue;
  if (!delays.asked && q.length - delays.at < LOW_WATER) {
    delays.asked = true;
    reply({ type: 'more-delays' });
  }
  return delays.at < q.length ? (q[delays.at++] as number) : (q[q.length - 1] ?? 0);
}

try {
  const server = await startModelServer(workerData as ModelServerThreadOptions);
  const run = async (m: ThreadRequest): Promise<number | undefined> => {
    switch (m.op) {
      case 'down':
        await server.down();
        return undefined;
      case 'up':
        await server.up();
        return undefined;
      case 'close':
        await server.close();
        return undefined;
      case 'erroring':
        server.faults.errorShare = m.share;
        return undefined;
      case 'delays':
        if (m.samples === null) {
          server.faults.delay = undefined;
          delays.queue = [];
        } else {
          delays.queue = [...delays.queue.slice(delays.at), ...m.samples];
          server.faults.delay = nextDelay;
        }
        delays.at = 0;
        delays.asked = false;
        return undefined;
      case 'predictRequests': {
        let n = 0;
        for (const v of (await server.metrics.requests.get()).values) if (v.labels.route === '/predict') n += v.value;
        return n;
      }
    }
  };
  parent.on('message', (m: ThreadRequest) => {
    run(m).then(
      (value) => reply({ type: 'reply', id: m.id, value }),
      (e: unknown) => reply({ type: 'reply', id: m.id, error: (e as Error).message }),
    );
  });
  reply({ type: 'ready', url: server.url, port: server.port, versions: server.versions });
} catch (e) {
  reply({ type: 'failed', message: (e as Error).message });
}

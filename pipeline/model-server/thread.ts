/**
 * The model server on a worker thread of its own: the same node:http server and POST /predict as
 * startModelServer (it runs startModelServer, in thread-main.ts), on loopback, but its HTTP parsing,
 * JSON and inference run on another core than the thread that started it. In production the model
 * server is its own service; this is the embedded stand-in for that, in one process.
 *
 * Why: the embedded pipeline ran generator, broker, processors, model server and results consumer
 * on ONE event loop, 75–95 % busy at 10–15k events/s on a 2-core machine, with the other core idle.
 *
 * What crosses the thread boundary is what the harness needs of an embedded server: an outage
 * (down/up), the slow and erroring faults, the /predict count and close. Runtime versions and
 * routes (the drift loop) need the in-process server's objects: use startModelServer for those.
 */
import { PipelabError } from '../../errors.ts';
import { tsWorker } from '../ts-worker.ts';
import type { RouteWeight } from './router.ts';

export interface ModelServerThreadOptions {
  /** a folder of version folders (models/fraud): the models load in the thread */
  models: string;
  routes?: RouteWeight[] | undefined;
  port?: number;
  host?: string;
  batchSize?: number | undefined;
  maxWaitMs?: number | undefined;
  token?: string;
}

export interface ModelServerThread {
  url: string;
  port: number;
  versions: string[];
  /** the worker thread's id (threadId in node:worker_threads) */
  threadId: number;
  /** a slow server: each /predict waits a delay drawn from `delayMs` (here, sent in blocks); undefined lifts it */
  slow(delayMs: (() => number) | undefined): void;
  /** a share of /predict requests answered 503; undefined or 0 lifts it */
  erroring(share: number | undefined): void;
  /** /predict requests answered so far, any status (after close: up to the close) */
  predictRequests(): Promise<number>;
  /**
   * how long the thread's event loop has been busy since it started, ms (its event-loop utilisation's active time:
   * the model server's own CPU, apart from the main thread's; after close: up to the close)
   */
  activeMs(): number;
  /** stop listening and drop every connection (an outage); up() listens again on the same port */
  down(): Promise<void>;
  up(): Promise<void>;
  /** close the server and end the thread (again: nothing) */
  close(): Promise<void>;
}

/** what the thread is asked to do */
type ThreadOp =
  | { op: 'down' | 'up' | 'close' | 'predictRequests' }
  | { op: 'erroring'; share: number }
  | { op: 'delays'; samples: number[] | null };
/** a request to the thread (id: its reply's) */
export type ThreadRequest = ThreadOp & { id: number };

/** a message from the thread */
export type ThreadReply =
  | { type: 'ready'; url: string; port: number; versions: string[] }
  | { type: 'failed'; message: string }
  | { type: 'reply'; id: number; value?: number | undefined; error?: string }
  | { type: 'more-delays' };

/** delays drawn per block for the slow fault (the thread asks for the next block when a quarter is left) */
const DELAY_BLOCK = 1024;

export async function startModelServerThread(o: ModelServerThreadOptions): Promise<ModelServerThread> {
  // the thread loads TypeScript whatever loaded this module (tsx, or the CommonJS bundle): ts-worker.ts
  const worker = tsWorker(import.meta.url, 'pipeline/model-server/thread-main.ts', o);
  const pending = new Map<number, { resolve: (v: number | undefined) => void; reject: (e: Error) => void }>();
  let sampler: (() => number) | undefined;
  let seq = 0;
  let ended: Error | undefined;
  const ask = (req: ThreadOp): Promise<number | undefined> => {
    if (ended) return Promise.reject(ended);
    const id = ++seq;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...req, id });
    });
  };
  const draw = (f: () => number) => Array.from({ length: DELAY_BLOCK }, f);
  // a fault set on a thread that has ended has nothing left to slow down
  const tell = (req: ThreadOp) => void ask(req).catch(() => {});
  const ready = new Promise<Extract<ThreadReply, { type: 'ready' }>>((resolve, reject) => {
    worker.on('message', (m: ThreadReply) => {
      if (m.type === 'ready') resolve(m);
      else if (m.type === 'failed')
        reject(new PipelabError('SERVICE_UNAVAILABLE', `the model server thread did not start: ${m.message}`));
      else if (m.type === 'more-delays' && sampler) tell({ op: 'delays', samples: draw(sampler) });
      else if (m.type === 'reply') {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (m.error !== undefined) p?.reject(new Error(m.error));
        else p?.resolve(m.value);
      }
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      ended = new Error(`the model server thread has ended (exit code ${code})`);
      for (const p of pending.values()) p.reject(ended);
      pending.clear();
      reject(ended);
    });
  });
  const started = await ready.catch(async (e: unknown) => {
    await worker.terminate();
    throw e;
  });
  let closing: Promise<void> | undefined;
  /** the /predict count and busy time when the thread closed (a stopped server's still read) */
  let closedCount = 0;
  let closedActiveMs: number | undefined;
  const active = () => closedActiveMs ?? worker.performance.eventLoopUtilization().active;
  return {
    url: started.url,
    port: started.port,
    versions: started.versions,
    threadId: worker.threadId,
    slow(f) {
      sampler = f;
      tell({ op: 'delays', samples: f ? draw(f) : null });
    },
    erroring(share) {
      tell({ op: 'erroring', share: share ?? 0 });
    },
    predictRequests: async () => {
      if (closing) return closing.then(() => closedCount);
      return (await ask({ op: 'predictRequests' })) ?? 0;
    },
    activeMs: active,
    down: async () => {
      await ask({ op: 'down' });
    },
    up: async () => {
      await ask({ op: 'up' });
    },
    close: () => {
      closing ??= (async () => {
        closedCount = (await ask({ op: 'predictRequests' }).catch(() => 0)) ?? 0;
        closedActiveMs = active();
        await ask({ op: 'close' }).catch(() => undefined);
        await worker.terminate();
      })();
      return closing;
    },
  };
}

/**
 * What the embedded services did in a run, counted where they run (this process): the broker's
 * records and frames, the model server's /predict calls (on its worker thread: asked by message).
 * Read once at the end, before the services close, into `extra.broker` and `extra.modelServer`.
 *
 * Why the calibration wants them (docs/simulation.md, known gaps): the main process's work is per
 * request as much as per record (a produce or fetch request, a model call per chunk), and as the
 * load grows the requests level off while the records keep growing. The /predict count is also
 * the chunk count of child processors, whose own metrics stay in their processes (each chunk makes
 * one model call).
 */
import type { ResolvedServices } from '../../services/index.ts';

export interface ServiceCounts {
  broker?: {
    recordsProduced: number;
    storedBytes: number;
    internalErrors: number;
    requestsHandled: number;
    /** JoinGroup requests, every group: 1 a member on a calm run; more is a rebalance (a session lost, a rejoin) */
    joins: number;
  };
  /** threadActiveMs: on a thread of its own, its event loop's busy time (not in the main thread's CPU) */
  modelServer?: { predictRequests: number; threadActiveMs?: number };
}

export async function serviceCounts(services: ResolvedServices | undefined): Promise<ServiceCounts> {
  const out: ServiceCounts = {};
  const embedded = services?.kafka?.connection.broker;
  if (embedded && !embedded.replication) {
    const s = embedded.stats();
    out.broker = {
      recordsProduced: s.recordsProduced,
      storedBytes: s.storedBytes,
      internalErrors: s.internalErrors,
      // frames given to their api's handler (listener-counters.ts): every request, any api
      requestsHandled: s.listener.handled,
      joins: s.requests.JoinGroup ?? 0,
    };
  }
  const thread = services?.modelServer?.connection.thread;
  if (thread)
    out.modelServer = {
      predictRequests: await thread.predictRequests(),
      threadActiveMs: Math.round(thread.activeMs()),
    };
  const model = services?.modelServer?.connection.server;
  if (model) {
    const { values } = await model.metrics.requests.get();
    let predictRequests = 0;
    for (const v of values) if (v.labels.route === '/predict') predictRequests += v.value;
    out.modelServer = { predictRequests };
  }
  return out;
}

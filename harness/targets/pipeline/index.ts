/**
 * `pipeline` target: the reference pipeline end to end.
 *   target: { type: 'pipeline', processors: 2, malformedShare: 0.01, routes: 'v1=90,v2=10' }
 * Setup resolves Kafka, Redis and the model server (external → container → local → embedded),
 * creates the topics, starts N stream processors in this process (0 = they run elsewhere, e.g.
 * `pipelab process` in docker-compose) and a results consumer on fraud-decisions,
 * processed-events and dead-letter. Each iteration produces one generated transaction (keyed by
 * user id) with its event id and intended send time in headers; the iteration succeeds when the
 * broker acknowledges it. Results are measured when observed: `e2e_latency` = observed −
 * intended send time; `stage_queue`, `stage_features`, `stage_inference`, `stage_sink` from the
 * processor's headers. Teardown waits (up to `drainTimeout`) for every produced id to end, then
 * the ledger goes to `extra.accounting`.
 *
 * schema.ts: the scenario block and defaults; target.ts: setup, iterate, teardown, faults;
 * ../producers.ts, results.ts, processors.ts: the producer, the results consumer, the processors;
 * accounting.ts, autoscale.ts, children.ts, drift.ts: the ledger, live autoscaling, child
 * processes and the drift loop.
 */
import type { Config, PipelineTarget } from './schema.ts';
import { PipelineTargetRun } from './target.ts';

export { schema, PIPELINE_TARGET_DEFAULTS, type Config, type PipelineTarget } from './schema.ts';

export function create(c: Config): PipelineTarget {
  return new PipelineTargetRun(c);
}

import { simulate } from './harness/sim/simulate.ts';
  const zero = { type: 'deterministic', ms: 0 } as const;
  const s = simulate({
    durationMs: 20_000, seed: 2, arrivals: { type: 'poisson', ratePerSec: 2 },
    consumers: { process: zero }, featureStore: { hit: zero, miss: zero }, sink: { write: zero },
    modelServer: { replicas: 1, batchSize: 32, maxWaitMs: 20, batch: { type: 'deterministic', ms: 1 }, perItemMs: 0 },
  });
const {hdr, ...r} = s.metrics.stage_inference as any; console.log(r, (s.extra as any).sim.modelBatches);

/**
 * stall: why open-model load matters (coordinated omission). The target answers in 5 ms but
 * stalls for one second at t = 5 s. Under this arrival-rate executor every request due during
 * the stall waits for it, and latency counts from when each was *meant* to start, so p99 shows
 * the stall (~900 ms). Run the same target with `executor: 'constant-vus'` and p99 stays near
 * 5 ms: the VUs simply stop sending while the server is stuck, hiding it (as wrk2 explains).
 * The thresholds fail on purpose (exit code 99).
 */
import { defineScenario } from 'pipelab';

export default defineScenario({
  name: 'stall',
  description: 'A 1 s stall under constant-arrival-rate shows in p99 (coordinated omission corrected)',
  target: { type: 'function', builtin: 'sleep', ms: 5, stallAtMs: 5000, stallForMs: 1000 },
  executors: {
    open: {
      executor: 'constant-arrival-rate',
      rate: 200,
      duration: '15s',
      preAllocatedVUs: 20,
      maxVUs: 400,
    },
  },
  thresholds: {
    latency: ['p(99)<100'],
  },
});

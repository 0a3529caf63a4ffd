/**
 * http-example: open-model load on any HTTP endpoint.
 *   PIPELAB_HTTP_URL=http://127.0.0.1:8080/healthz npx pipelab run scenarios/http-example.ts
 * The default URL is a local port: start something there first (the model server's /healthz,
 * or `python3 -m http.server 8080`). Non-2xx answers count as errors; samples carry `status`.
 */
import { defineScenario } from 'pipelab';

const url = process.env.PIPELAB_HTTP_URL ?? 'http://127.0.0.1:8080/';

export default defineScenario({
  name: 'http-example',
  description: `Open-model HTTP load on ${url}`,
  target: { type: 'http', url, method: 'GET', timeout: '5s', connections: 50 },
  executors: {
    ramp: {
      executor: 'ramping-arrival-rate',
      startRate: 10,
      stages: [
        { target: 200, duration: '10s' },
        { target: 200, duration: '20s' },
        { target: 0, duration: '5s' },
      ],
      preAllocatedVUs: 20,
      maxVUs: 200,
    },
  },
  thresholds: {
    latency: ['p(95)<200', 'p(99)<500'],
    'latency{status:200}': ['count>0'],
    errors: ['rate<0.01'],
  },
});

/**
 * A short live capacity search against an HTTP fixture server on loopback that answers 503 to
 * every request beyond LIMIT in a wall-clock second: the edge is set by a count, not a timing, so
 * the search must end between the last rate under the limit and the first rate above it, with the
 * rates above failing on errors. Probes are 2 s long (each holds a whole wall-clock second, so a
 * rate above the limit meets its 503s); at most six run.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findCapacity } from '../../../harness/capacity/find.ts';
import { defineScenario } from '../../../harness/scenario/index.ts';

const LIMIT = 120;
let server: Server;
let url = '';
let served = 0;

test.before(async () => {
  let second = 0;
  let inSecond = 0;
  server = createServer((_req, res) => {
    const now = Math.floor(Date.now() / 1000);
    if (now !== second) {
      second = now;
      inSecond = 0;
    }
    served++;
    res.writeHead(++inSecond > LIMIT ? 503 : 200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
test.after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

test(`a live http search ends at the fixture's limit of ${LIMIT}/s`, async () => {
  const scenario = defineScenario({
    name: 'limited-http',
    warmup: '500ms',
    target: { type: 'http', url, timeout: '2s', connections: 20 },
    executors: { main: { executor: 'constant-arrival-rate', rate: 40, duration: '1m', maxVUs: 50 } },
  });
  const lines: string[] = [];
  const r = await findCapacity(scenario, {
    slo: 'p(99)<1000',
    step: '2s',
    tolerance: 0.2,
    confirmations: 1,
    maxProbes: 6,
    onProbe: (p) => lines.push(`${p.rate} ${p.ok}`),
  });
  assert.is(r.scenario.target, 'http');
  assert.is(r.slo.metric, 'latency');
  assert.equal(
    r.probes.slice(0, 3).map((p) => p.rate),
    [40, 80, 160],
  );
  assert.ok(r.probes[2]!.failures.includes('errors'), r.probes[2]!.reasons.join('; '));
  assert.ok(r.capacityPerSec !== null && r.capacityPerSec >= 80 && r.capacityPerSec <= LIMIT, r.note);
  assert.ok(r.failedAtPerSec! > r.capacityPerSec! && r.failedAtPerSec! <= 160);
  assert.ok(r.stable, r.note);
  assert.is(lines.length, r.probes.length);
  assert.ok(served > 0);
});

test.run();

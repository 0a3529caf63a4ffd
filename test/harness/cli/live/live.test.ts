/**
 * The run's live outputs without a browser: the observers see every second of a run (virtual
 * clock), the dashboard's event stream carries them and then the report, the Prometheus text
 * adds up to the summary's figures, and bad flags are PipelabErrors.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { runScenario } from '../../../../harness/runner/index.ts';
import { VirtualClock } from '../../../../harness/executors/clock.ts';
import type { LiveTick, RunObserver } from '../../../../harness/runner/api.ts';
import { Dashboard } from '../../../../harness/cli/live/dashboard.ts';
import { PrometheusExporter, serveMetrics } from '../../../../harness/cli/live/prometheus.ts';
import { checkLiveFlags } from '../../../../harness/cli/live/index.ts';
import { PipelabError } from '../../../../errors.ts';

const scenario = {
  name: 'live',
  seed: 3,
  warmup: '1s',
  target: { type: 'function', builtin: 'sleep', ms: 10, errorRate: 0.2 },
  executors: { main: { executor: 'constant-arrival-rate', rate: 50, duration: '5s', preAllocatedVUs: 5 } },
} as const;

const run = (observers: RunObserver[]) =>
  runScenario(scenario as unknown as Parameters<typeof runScenario>[0], { clock: new VirtualClock(), observers });

/** the events of an SSE stream until it ends */
function events(url: string, until: (names: string[]) => boolean): Promise<{ event: string; data: unknown }[]> {
  return new Promise((resolve, reject) => {
    const out: { event: string; data: unknown }[] = [];
    const req = get(url, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i = buf.indexOf('\n\n');
        while (i >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event && data) out.push({ event, data: JSON.parse(data) });
          i = buf.indexOf('\n\n');
        }
        if (until(out.map((e) => e.event))) {
          req.destroy();
          resolve(out);
        }
      });
      res.on('end', () => resolve(out));
    });
    req.on('error', reject);
  });
}

test('observers get the run once, then every completed second exactly once', async () => {
  const ticks: LiveTick[] = [];
  let started: unknown;
  const s = await run([{ start: (i) => (started = i), tick: (t) => ticks.push(t) }]);
  assert.equal(started, { scenario: 'live', seed: 3, totalMs: 5000, warmupMs: 1000 });
  const seen = ticks.flatMap((t) => t.points.map((p) => p.t));
  // the last tick comes after the executors end: every second of the summary, once, in order
  assert.equal(
    seen,
    s.timeseries.points.map((p) => p.t),
  );
  assert.ok(ticks.at(-1)?.metrics.some((m) => m.name === 'latency' && m.type === 'trend'));
  const liveIterations = ticks
    .flatMap((t) => t.points)
    .reduce((a, p) => a + ((p.iterations as { count?: number })?.count ?? 0), 0);
  assert.ok(liveIterations > 0);
});

test('the dashboard streams the state, a tick per second and at the end the report', async () => {
  const d = await Dashboard.start(0);
  try {
    const page = await fetch(d.url).then((r) => r.text());
    assert.match(page, /<script type="application\/json" id="state">/);
    const stream = events(`${d.url}/events`, (names) => names.includes('done'));
    await new Promise((r) => setTimeout(r, 50)); // the subscription is in place
    const s = await run([d]);
    d.finish(s.timeseries.points, '<!doctype html><html><body><h1>pipelab run: live</h1></body></html>');
    const got = await stream;
    const names = got.map((e) => e.event);
    assert.is(names[0], 'state');
    assert.ok(names.includes('meta'));
    assert.ok(names.filter((n) => n === 'tick').length >= 4, names.join());
    const done = got.find((e) => e.event === 'done')?.data as { html: string; points: unknown[] };
    assert.match(done.html, /pipelab run: live/);
    assert.is(done.points.length, s.timeseries.points.length);
    assert.is((await fetch(`${d.url}/report`)).status, 200);
    const exported = d.exportPage();
    assert.ok(exported.includes('"ended":true'));
    assert.not.ok(exported.includes('</script><'), 'embedded JSON cannot close its script');
  } finally {
    await d.close();
  }
});

test('the Prometheus text adds up to the run: iterations, errors by outcome, latency quantiles', async () => {
  const exp = new PrometheusExporter();
  const served = await serveMetrics(exp, 0);
  try {
    const s = await run([exp]);
    const text = await fetch(served.url).then((r) => r.text());
    const value = (re: RegExp) => Number(re.exec(text)?.[1]);
    const iters = value(/^pipelab_iterations_total (\d+)$/m);
    const all = s.timeseries.points.reduce((a, p) => a + ((p.iterations as { count?: number })?.count ?? 0), 0);
    assert.is(iters, all);
    const yes = value(/^pipelab_errors_total\{outcome="true"\} (\d+)$/m);
    const no = value(/^pipelab_errors_total\{outcome="false"\} (\d+)$/m);
    assert.is(yes + no, iters);
    assert.ok(yes > 0 && no > yes, `${yes} errors of ${iters}`);
    assert.match(text, /^pipelab_latency_seconds\{quantile="0.99"\} 0\.01\d*$/m);
    assert.match(text, /^pipelab_run_info\{scenario="live",seed="3"\} 1$/m);
    assert.match(text, /^# TYPE pipelab_iterations_total counter$/m);
    assert.is((await fetch(served.url.replace('/metrics', '/other'))).status, 404);
  } finally {
    await served.close();
  }
});

test('bad ports and a taken port are PipelabErrors naming the flag', async () => {
  for (const [flags, flag] of [
    [{ dashboardPort: 'x' }, '--dashboard-port'],
    [{ metricsPort: '70000' }, '--metrics-port'],
  ] as const) {
    try {
      checkLiveFlags(flags);
      assert.unreachable(flag);
    } catch (e) {
      assert.instance(e, PipelabError);
      assert.is((e as PipelabError).code, 'INVALID_ARGUMENT');
      assert.match((e as Error).message, flag);
    }
  }
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as { port: number }).port;
  try {
    await Dashboard.start(port);
    assert.unreachable('port taken');
  } catch (e) {
    assert.instance(e, PipelabError);
    assert.match((e as PipelabError).hint ?? '', /--dashboard-port/);
  } finally {
    blocker.close();
  }
});

test.run();

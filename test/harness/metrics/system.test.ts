import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startSystemSampler } from '../../../harness/metrics/system.ts';
import { createRegistry } from '../../../harness/metrics/registry.ts';
import type { GaugeData } from '../../../results/types.ts';

/** fake process: each virtual second uses `busy` ms of CPU and grows RSS by 1 MB */
function fakeProcess() {
  const s = { hr: 0, cpuUs: 0, rss: 100 * 1024 * 1024, busy: 500 };
  return {
    s,
    advance(ms: number) {
      s.hr += ms;
      s.cpuUs += (s.busy * 1000 * ms) / 1000;
      s.rss += 1024 * 1024;
    },
    opts: {
      timer: false as const,
      hrNow: () => s.hr,
      cpuUsage: (prev?: NodeJS.CpuUsage) => ({ user: s.cpuUs - (prev ? prev.user + prev.system : 0), system: 0 }),
      memoryUsage: () => ({ rss: s.rss, heapUsed: 20 * 1024 * 1024 }),
    },
  };
}

test('CPU percent comes from cpuUsage deltas over elapsed time, memory in MB', () => {
  const f = fakeProcess();
  const sys = startSystemSampler(f.opts);
  f.advance(1000);
  const p1 = sys.sample(1000);
  assert.ok(Math.abs(p1.cpuPercent - 50) < 1e-9, String(p1.cpuPercent));
  assert.is(p1.rssMb, 101);
  assert.is(p1.heapUsedMb, 20);
  f.s.busy = 1000;
  f.advance(1000);
  const p2 = sys.sample(2000);
  assert.ok(Math.abs(p2.cpuPercent - 100) < 1e-9);
  const s = sys.stop();
  assert.ok(Math.abs(s.cpuPercent.mean - 75) < 1e-9);
  assert.is(s.cpuPercent.max, 100);
  assert.is(s.rssMb.max, 102);
  assert.is(s.rssMb.mean, 101.5);
  assert.equal(
    sys.points().map((p) => p.t),
    [1000, 2000],
  );
  assert.is(sys.stop(), s); // idempotent
});

test('samples are recorded as gauges so they reach the time series', () => {
  const f = fakeProcess();
  const reg = createRegistry();
  try {
    const sys = startSystemSampler({ ...f.opts, registry: reg });
    f.advance(1000);
    sys.sample(1000);
    sys.stop();
    const snap = reg.snapshot(2000);
    assert.is((snap.system_rss_mb as GaugeData).value, 101);
    assert.ok(reg.timeseries(2000).some((p) => (p.system_cpu_percent as { value?: number } | undefined)?.value === 50));
  } finally {
    reg.close();
  }
});

test('the real sampler measures a busy event loop and stops its timer', async () => {
  const sys = startSystemSampler({ intervalMs: 50 });
  await new Promise((r) => setTimeout(r, 30)); // let the delay monitor tick once
  const until = performance.now() + 120;
  while (performance.now() < until) {
    /* block the loop ~120 ms */
  }
  await new Promise((r) => setTimeout(r, 120));
  const s = sys.stop();
  assert.ok(sys.points().length >= 2);
  assert.ok(s.eventLoopDelayMs.max > 50, `max delay ${s.eventLoopDelayMs.max}`);
  assert.ok(s.rssMb.max > 10);
  const n = sys.points().length;
  await new Promise((r) => setTimeout(r, 120));
  assert.is(sys.points().length, n); // no more samples after stop
});

test.run();

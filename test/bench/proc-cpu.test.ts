/**
 * A process's CPU over a span from timed samples (bench/proc-cpu.ts): the mean and the busiest second, and a live
 * sampler of this very process.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpuOver, sampleCpu } from '../../bench/proc-cpu.ts';

test('cpuOver: the mean over the span and its busiest whole second, from the samples nearest each end', () => {
  // 40 % of a core for 2 s, then 100 % for 1 s, then 40 % again; samples every 500 ms
  const samples = [];
  let ms = 0;
  for (let t = 0; t <= 4000; t += 500) {
    samples.push({ at: 10_000 + t, ms });
    ms += t >= 2000 && t < 3000 ? 500 : 200;
  }
  const r = cpuOver(samples, 10_000, 14_000);
  assert.is(r.mean, (ms - 200) / 4000);
  assert.is(r.peak, 1);
  // a span shorter than a second: its mean stands for the peak
  assert.equal(cpuOver(samples, 12_000, 12_500), { mean: 1, peak: 1 });
  assert.ok(Number.isNaN(cpuOver([], 0, 1000).mean));
});

test('sampleCpu: samples this process until stopped, in order, its CPU time never going back', async () => {
  const s = sampleCpu(process.pid, 20);
  await new Promise((r) => setTimeout(r, 120));
  const samples = s.stop();
  assert.ok(samples.length >= 3, `${samples.length} samples`);
  for (let i = 1; i < samples.length; i++) {
    assert.ok(samples[i]!.at >= samples[i - 1]!.at, 'in time order');
    assert.ok(samples[i]!.ms >= samples[i - 1]!.ms, 'CPU time only grows');
  }
  assert.ok(samples[0]!.ms > 0, 'this process has used CPU (loading the test)');
});

test.run();

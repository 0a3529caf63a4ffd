/**
 * A process's CPU over a span from timed samples (bench/proc-cpu.ts): the CPU ms between two times, linear between
 * samples; the mean and the busiest second; and a live sampler of this very process.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpuMsOver, cpuOver, sampleCpu } from '../../bench/proc-cpu.ts';

// 20 % of a core from 1.0 to 1.5 s, 50 % to 2.5 s, idle to 3.0 s
const steps = [
  { at: 1000, ms: 0 },
  { at: 1500, ms: 100 },
  { at: 2500, ms: 600 },
  { at: 3000, ms: 600 },
];
const msOf = (s: { ms: number }) => s.ms;

test('cpuMsOver: the counter at each end, exact at samples, linear between them, held beyond them', () => {
  assert.is(cpuMsOver(steps, 1000, 2500, msOf), 600);
  assert.is(cpuMsOver(steps, 1500, 2500, msOf), 500);
  // 1250: halfway from 0 to 100; 2000: halfway from 100 to 600
  assert.is(cpuMsOver(steps, 1250, 2000, msOf), 350 - 50);
  assert.is(cpuMsOver(steps, 2750, 3000, msOf), 0);
  // before the first sample and after the last, nothing is seen: the counter is held
  assert.is(cpuMsOver(steps, 500, 1500, msOf), 100);
  assert.is(cpuMsOver(steps, 2000, 4000, msOf), 600 - 350);
});

test('cpuMsOver: any counter a sample holds, read by the function given', () => {
  const both = steps.map((s) => ({ at: s.at, main: s.ms, children: 2 * s.ms }));
  const main = cpuMsOver(both, 1250, 2000, (s) => s.main);
  const children = cpuMsOver(both, 1250, 2000, (s) => s.children);
  assert.equal({ main, children }, { main: 300, children: 600 });
});

test('cpuMsOver: NaN without samples or for a span wholly outside them', () => {
  assert.ok(Number.isNaN(cpuMsOver(steps.slice(0, 0), 0, 1000, msOf)));
  assert.ok(Number.isNaN(cpuMsOver(steps, 0, 900, msOf)));
  assert.ok(Number.isNaN(cpuMsOver(steps, 3100, 4000, msOf)));
});

test('cpuOver: the mean over the span and its busiest whole second, linear between samples', () => {
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
  // ends between samples: 11,750 is 700 ms (600 + half of 200), 12,750 is 1,550 (1,300 + half of 500), 13,750 is
  // 2,100 (2,000 + half of 200); the samples nearest the ends would read 0.7 for the first second
  assert.equal(cpuOver(samples, 11_750, 13_750), { mean: (2100 - 700) / 2000, peak: 0.85 });
  assert.ok(Number.isNaN(cpuOver([], 0, 1000).mean));
  assert.ok(Number.isNaN(cpuOver(samples.slice(0, 1), 10_000, 11_000).mean));
  assert.ok(Number.isNaN(cpuOver(samples, 15_000, 16_000).mean));
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

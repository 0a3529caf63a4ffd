/**
 * The machine's speed beside a bench (bench/machine.ts): a span's probes against the fastest probe, the share in the
 * slow mode, the printed form, and the probes themselves (this thread's and the probe thread's) arriving.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatHost, formatSpan, machineSpan, type Probe, SLOW_AT, startMachineProbe } from '../../bench/machine.ts';

const at = (t: number, ms: number): Probe => ({ at: t, ms });

test('machineSpan: the probes of [from, to) only, their median against the fastest and the slow share', () => {
  const probes = [at(900, 9), at(1000, 1), at(1250, 1.6), at(1500, 1), at(1750, 1.7), at(2000, 9)];
  const s = machineSpan(probes, 1000, 2000, 1);
  assert.is(s.n, 4);
  assert.is(s.medianMs, 1.3); // (1 + 1.6) / 2: an even count takes the middle two
  assert.is(s.relative, 1.3);
  assert.is(s.slowShare, 0.5); // 1.6 and 1.7 are over SLOW_AT x 1
  const odd = machineSpan(probes, 1000, 1750, 0.5);
  assert.equal([odd.n, odd.medianMs, odd.relative, odd.slowShare], [3, 1, 2, 1]);
});

test('machineSpan: a probe at exactly SLOW_AT times the fastest is not slow; no probes give NaN', () => {
  assert.is(machineSpan([at(0, SLOW_AT)], 0, 1, 1).slowShare, 0);
  const none = machineSpan([at(5, 1)], 0, 5, 1);
  assert.is(none.n, 0);
  assert.ok(Number.isNaN(none.relative) && Number.isNaN(none.slowShare));
  assert.ok(Number.isNaN(machineSpan([at(0, 1)], 0, 1, Infinity).relative), 'no fastest probe yet');
});

test('formatSpan: each thread against its fastest probe and its slow share; a dash where one has none', () => {
  const main = machineSpan([at(0, 0.66), at(1, 1.1)], 0, 2, 0.64);
  const other = machineSpan([at(0, 1)], 0, 2, 1);
  assert.is(formatSpan({ main, other }), 'machine 1.38x/1.00x (main/other thread), slow 50/0 %');
  assert.is(formatSpan({ main, other: machineSpan([], 0, 2, 1) }), 'machine 1.38x/- (main/other thread), slow 50/- %');
});

test('formatHost: one thread against its fastest probe and its slow share; no probes said so', () => {
  assert.is(formatHost(machineSpan([at(0, 0.66), at(1, 1.1)], 0, 2, 0.64)), '1.38x its fastest, 50 % slow');
  assert.is(formatHost(machineSpan([], 0, 2, 1)), 'no probes');
});

test('startMachineProbe: the thread posts probes, read back as a span', async () => {
  const probe = startMachineProbe();
  const from = Date.now();
  let s = probe.span(from);
  // the thread posts every 250 ms, this one every 500; wait for six of each (the fastest is taken from the fifth on)
  for (let i = 0; i < 300 && !(s.other.n >= 6 && s.main.n >= 6); i++) {
    await new Promise((r) => setTimeout(r, 50));
    s = probe.span(from);
  }
  assert.ok(s.other.n >= 6 && s.main.n >= 6, `probes: ${s.main.n} on this thread, ${s.other.n} on the other`);
  assert.ok(s.main.relative > 0 && s.other.relative > 0, formatSpan(s));
});

test.run();

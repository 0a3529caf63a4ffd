import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadCatalogue, parseCatalogue, hourlyPrice } from '../../../../harness/sim/cost/catalogue.ts';
import { configCost, runCost } from '../../../../harness/sim/cost/cost.ts';
import { PipelabError } from '../../../../errors.ts';
import type { RunSummary } from '../../../../results/types.ts';

const cat = parseCatalogue({
  currency: 'USD',
  instances: {
    small: { vcpu: 2, memoryGiB: 4, onDemand: 0.1, spot: 0.03 },
    big: { vcpu: 8, memoryGiB: 32, onDemand: 0.4, reserved: 0.25 },
  },
});
const spec = {
  consumers: { instance: 'small' },
  modelServers: { instance: 'big', pricing: 'reserved' as const },
  featureStore: { instance: 'small', pricing: 'spot' as const, instancesPerReplica: 0.5 },
};

test('the shipped example catalogue loads and prices its instances', () => {
  const c = loadCatalogue();
  assert.ok(Object.keys(c.instances).length >= 5);
  assert.ok(hourlyPrice(c, 'm6i.large') > 0);
});

test('cost per hour and per million events of a static configuration', () => {
  const c = configCost({ consumers: 3, modelServers: 2, featureStore: 2 }, 1000, cat, spec);
  // 3 × 0.1 + 2 × 0.25 + 2 × 0.5 × 0.03 = 0.83 $/h; 3.6 M events/h → 0.83 / 3.6
  assert.ok(Math.abs(c.perHour - 0.83) < 1e-12);
  assert.ok(Math.abs(c.perMillionEvents - 0.83 / 3.6) < 1e-12);
  assert.ok(Math.abs(c.perGroupPerHour.modelServers! - 0.5) < 1e-12);
});

test("a run's cost follows its replica timeline (replica-seconds), not its final size", () => {
  const s = {
    durationMs: 7_200_000,
    metrics: { events_processed: { type: 'counter', count: 2_000_000, rate: 0 } },
    extra: { sim: { replicaSeconds: { consumers: 3600 * 3, modelServers: 3600 * 1, featureStore: 0 } } },
  } as unknown as RunSummary;
  const c = runCost(s, cat, spec)!;
  // 3 replica-hours × 0.1 + 1 × 0.25 = 0.55 $ over 2 h
  assert.ok(Math.abs(c.total - 0.55) < 1e-12);
  assert.ok(Math.abs(c.perHour - 0.275) < 1e-12);
  assert.ok(Math.abs(c.perMillionEvents - 0.275) < 1e-12);
  assert.equal(c.replicaHours, { consumers: 3, modelServers: 1, featureStore: 0 });
});

test('spot and reserved fall back to on-demand when the catalogue has no such price', () => {
  assert.is(hourlyPrice(cat, 'small', 'reserved'), 0.1);
  assert.is(hourlyPrice(cat, 'big', 'spot'), 0.4);
});

test('an unknown instance type or a broken catalogue is a PipelabError with the path', () => {
  assert.throws(
    () => hourlyPrice(cat, 'huge'),
    (e: unknown) => e instanceof PipelabError && /huge/.test(e.message),
  );
  try {
    parseCatalogue({ instances: { x: { vcpu: 2, memoryGiB: 4 } } });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, PipelabError);
    assert.is((e as PipelabError).issues[0]!.path, '/instances/x/onDemand');
  }
});

test.run();

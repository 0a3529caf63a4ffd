/**
 * The reference pipeline on the replicated 3-node cluster (target.brokers: 3): every broker node
 * behind its own fault proxy (the nodes advertise the proxies, so clients and replica fetchers both
 * go through them), a latency toxic on one node's proxy only, then the leader of the input topic's
 * partition 0 killed and restarted. At least once: nothing acknowledged is lost (duplicates are
 * counted). Counts only, no timings.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runScenario } from '../../../harness/runner/index.ts';
import { validateScenario } from '../../../harness/scenario/index.ts';
import type { Accounting } from '../../../harness/targets/pipeline/accounting.ts';
import type { DeliveryReport } from '../../../results/delivery.ts';
import { PipelabError } from '../../../errors.ts';

const base = {
  name: 'pipeline-cluster',
  seed: 7,
  services: { 'redis-mode': 'embedded' },
  executors: {
    main: { executor: 'constant-arrival-rate', rate: 100, duration: '6s', preAllocatedVUs: 20, maxVUs: 200 },
  },
};

test('a kafka toxic on one node and a broker leader killed then restarted: recorded, 0 lost', async () => {
  const s = validateScenario({
    ...base,
    target: { type: 'pipeline', brokers: 3, processors: 2, partitions: 3, drainTimeout: '30s' },
    faults: [
      { at: '500ms', duration: '1s', kind: 'latency', target: 'kafka', instance: 1, latency: 20 },
      { at: '2s', duration: '2s', kind: 'kill', target: 'broker', role: 'leader' },
    ],
  });
  const summary = await runScenario(s);
  const acc = summary.extra?.accounting as Accounting;
  const d = summary.extra?.delivery as DeliveryReport;
  const [toxic, kill] = summary.faults ?? [];
  assert.is(toxic?.error, undefined, toxic?.error);
  assert.is(toxic?.hit.length, 1, 'one node: one proxy');
  assert.match(toxic!.hit[0]!, /^proxy 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+ \(\d+ open\)$/);
  assert.is(kill?.error, undefined, kill?.error);
  assert.match(kill!.hit.join(' | '), /^leader of transactions\[0\]: node \d \| broker node \d pid \d+$/);
  assert.ok(kill!.endedMs !== undefined, 'the node came back');
  assert.ok(acc.produced > 0);
  assert.is(d.lost, 0, `lost: ${d.samples.lost.join(',')}`);
  assert.is(acc.missing, 0, `missing ${acc.missing}: ${acc.missingSample.join(',')}`);
  assert.is((summary.extra?.resources as { brokerNodes?: number } | undefined)?.brokerNodes, 3);
});

test('broker faults and kafka toxics on the single in-process node are refused before the load', async () => {
  const s = validateScenario({
    ...base,
    target: { type: 'pipeline', processors: 1, partitions: 2 },
    faults: [
      { at: '1s', kind: 'kill', target: 'broker', role: 'controller' },
      { at: '1s', kind: 'latency', target: 'kafka', latency: 5 },
    ],
  });
  const err = await runScenario(s).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof PipelabError, String(err));
  const issues = (err.issues ?? []).map((i) => `${i.path}: ${i.message}`);
  assert.match(issues[0]!, /^\/faults\/0\/target: broker process faults need the replicated embedded cluster/);
  assert.match(issues[1]!, /^\/faults\/1\/target: network faults on kafka need each broker node to advertise/);
});

test.run();

/** librdkafka as shipped in Debian's kcat: metadata, produce, consume and balanced consumer. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runKcat } from '../helpers/kcat.ts';
import { haveTool } from '../helpers/tools.ts';
import { startBroker, type Broker } from '../../broker/index.ts';
import { assertServedCleanly } from '../helpers/broker-clean.ts';

const ok = haveTool('kcat', ['-V']);
let broker: Broker;

const kcat = (args: string[], input?: string) => runKcat(broker.bootstrap, args, { input });

const lines = (n: number, tag: string) => `${Array.from({ length: n }, (_, i) => `${tag}-${i}`).join('\n')}\n`;

test.before(async () => {
  if (ok) broker = await startBroker();
});
test.after(async () => {
  await broker?.close();
});

test('kcat -L lists the broker and a topic with its partitions', async () => {
  if (!ok) return;
  broker.createTopic('meta', { partitions: 3 });
  const r = await kcat(['-L', '-t', 'meta']);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /1 brokers:/);
  assert.match(r.out, /topic "meta" with 3 partitions/);
});

for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
  test(`kcat -P with ${codec} then kcat -C reads every line back`, async () => {
    if (!ok) return;
    const topic = `kc-${codec}`;
    const p = await kcat(['-P', '-t', topic, '-z', codec], lines(500, codec));
    assert.is(p.code, 0, p.err);
    const c = await kcat(['-C', '-t', topic, '-o', 'beginning', '-e', '-q']);
    assert.is(c.code, 0, c.err);
    assert.equal(c.out.trim().split('\n'), lines(500, codec).trim().split('\n'));
  });
}

test('kcat -G balanced consumer commits, so a second run starts where the first stopped', async () => {
  if (!ok) return;
  await kcat(['-P', '-t', 'kg'], lines(300, 'a'));
  const first = await kcat(['-G', 'kgroup', '-X', 'auto.offset.reset=earliest', '-e', '-q', 'kg']);
  assert.is(first.out.trim().split('\n').length, 300, first.err);
  await kcat(['-P', '-t', 'kg'], lines(7, 'b'));
  const second = await kcat(['-G', 'kgroup', '-X', 'auto.offset.reset=earliest', '-e', '-q', 'kg']);
  assert.equal(second.out.trim().split('\n'), lines(7, 'b').trim().split('\n'));
  assert.is(broker.lag('kgroup').total, 0);
});

test('two kcat -G members in one group on a 4-partition topic together read every record', async () => {
  if (!ok) return;
  broker.createTopic('kg4', { partitions: 4 });
  await kcat(
    ['-P', '-t', 'kg4', '-p', '-1', '-K', ':'],
    `${Array.from({ length: 400 }, (_, i) => `${i}:r${i}`).join('\n')}\n`,
  );
  const member = () =>
    kcat(['-G', 'kg4-group', '-X', 'auto.offset.reset=earliest', '-X', 'session.timeout.ms=6000', '-e', '-q', 'kg4']);
  const [a, b] = await Promise.all([member(), member()]);
  const all = [...a.out.trim().split('\n'), ...b.out.trim().split('\n')].filter(Boolean);
  assert.is(new Set(all).size, 400, a.err + b.err);
  const g = broker.stats().groups.find((x) => x.id === 'kg4-group');
  assert.ok(g, 'the group exists');
  assert.is(broker.lag('kg4-group').total, 0);
});

test('the broker met no internal error while serving these clients', () => {
  if (broker) assertServedCleanly(broker);
});

test.run();

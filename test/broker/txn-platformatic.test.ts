/**
 * @platformatic/kafka 2.x transactions against the embedded broker: commit, abort and commit
 * again; read_committed never shows the aborted records, read_uncommitted does; a second producer
 * with the same transactional id fences the first.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startBroker, type Broker } from '../../broker/index.ts';
import { shimWithResolvers } from '../../harness/targets/producers.ts';

shimWithResolvers();
const pk = await import('@platformatic/kafka');

let broker: Broker;
test.before(async () => {
  broker = await startBroker({ minSessionTimeoutMs: 1000, retentionCheckMs: 0 });
});
test.after(async () => {
  await broker.close();
});

const producer = (id: string) =>
  new pk.Producer({
    clientId: `pk-${id}`,
    bootstrapBrokers: broker.bootstrap,
    serializers: pk.stringSerializers,
    idempotent: true,
    transactionalId: id,
    retries: 2,
  });
const msgs = (topic: string, tag: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ topic, key: `k${i}`, value: `${tag}${i}` }));

async function readAll(topic: string, isolationLevel: number, until: (v: string[]) => boolean): Promise<string[]> {
  const consumer = new pk.Consumer({
    groupId: `pk-read-${topic}-${isolationLevel}`,
    clientId: 'pk-reader',
    bootstrapBrokers: broker.bootstrap,
    deserializers: pk.stringDeserializers,
    sessionTimeout: 6000,
    heartbeatInterval: 500,
    maxWaitTime: 100,
  });
  const stream = await consumer.consume({
    autocommit: false,
    topics: [topic],
    mode: pk.MessagesStreamModes.EARLIEST,
    isolationLevel,
  });
  const got: string[] = [];
  const guard = setTimeout(() => void stream.close(), 15_000);
  for await (const m of stream) {
    got.push(m.value as string);
    if (until(got)) break;
  }
  clearTimeout(guard);
  await stream.close();
  await consumer.close();
  return got;
}

test('commit, abort, commit: read_committed sees the committed records only, read_uncommitted all', async () => {
  const topic = 'pk-tx';
  broker.createTopic(topic);
  const p = producer('pk-basic');
  for (const [tag, commit] of [
    ['c', true],
    ['a', false],
    ['d', true],
  ] as const) {
    const tx = await p.beginTransaction();
    await tx.send({ messages: msgs(topic, tag, 4) });
    await (commit ? tx.commit() : tx.abort());
  }
  await p.close();
  const values = (tag: string) => msgs(topic, tag, 4).map((m) => m.value);
  const committed = await readAll(topic, pk.FetchIsolationLevels.READ_COMMITTED, (v) => v.includes('d3'));
  assert.equal(committed, [...values('c'), ...values('d')]);
  const all = await readAll(topic, pk.FetchIsolationLevels.READ_UNCOMMITTED, (v) => v.length >= 12);
  assert.equal(all, [...values('c'), ...values('a'), ...values('d')]);
});

test('a second producer with the same transactional id fences the first', async () => {
  const topic = 'pk-fence';
  broker.createTopic(topic);
  const zombie = producer('pk-shared');
  const ztx = await zombie.beginTransaction();
  await ztx.send({ messages: msgs(topic, 'z', 2) });
  const fresh = producer('pk-shared');
  const tx = await fresh.beginTransaction();
  const err = await ztx.commit().then(
    () => undefined,
    (e: Error) => e,
  );
  assert.ok(err, 'the zombie cannot commit');
  assert.match(String((err as Error & { errors?: Error[] }).errors?.[0]?.message), /old epoch/);
  await tx.send({ messages: msgs(topic, 'f', 2) });
  await tx.commit();
  await fresh.close();
  await zombie.close().catch(() => {});
  assert.equal(await readAll(topic, pk.FetchIsolationLevels.READ_COMMITTED, (v) => v.length >= 2), ['f0', 'f1']);
});

test.run();

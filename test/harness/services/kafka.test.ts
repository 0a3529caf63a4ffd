/** Kafka service resolution: external bootstrap list → container (fails fast without an engine) → embedded broker. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import kafkajs from 'kafkajs';
import { resolveKafka, parseBootstrap } from '../../../harness/services/kafka.ts';
import { resolveServices, servicesRequestFrom } from '../../../harness/services/index.ts';
import { PipelabError } from '../../../errors.ts';

const env = { PATH: process.env.PATH, DOCKER_HOST: 'unix:///nonexistent/docker.sock' };

test('without an address Kafka resolves to the embedded broker on loopback, and kafkajs can use it', async () => {
  const k = await resolveKafka({ env });
  try {
    assert.is(k.mode, 'embedded');
    assert.ok(k.connection.broker, 'the broker handle is passed on');
    assert.match(k.connection.brokers[0] ?? '', /^127\.0\.0\.1:\d+$/);
    assert.ok(
      k.skipped.some((s) => s.startsWith('container: no container runtime')),
      k.skipped.join('; '),
    );
    assert.ok(
      k.skipped.some((s) => s.startsWith('local: not available')),
      k.skipped.join('; '),
    );
    const admin = new kafkajs.Kafka({ brokers: k.connection.brokers, logLevel: kafkajs.logLevel.NOTHING }).admin();
    await admin.connect();
    assert.is((await admin.describeCluster()).brokers.length, 1);
    await admin.disconnect();
  } finally {
    await k.close();
  }
});

test('an address (flag or PIPELAB_KAFKA) means external mode with that bootstrap list, nothing started', async () => {
  const k = await resolveKafka({ env: { ...env, PIPELAB_KAFKA: 'a:9092, b:9093' } });
  assert.is(k.mode, 'external');
  assert.equal(k.connection.brokers, ['a:9092', 'b:9093']);
  assert.is(k.connection.broker, undefined);
  assert.is(k.detail, 'a:9092,b:9093');
  const f = await resolveKafka({ env, url: 'c:1' });
  assert.equal(f.connection.brokers, ['c:1']);
  assert.equal(parseBootstrap(' x:1,,y:2 '), ['x:1', 'y:2']);
});

test('with no address and 3 nodes asked for, the embedded cluster comes with its handle', async () => {
  const k = await resolveKafka({ env, embedded: { brokers: 3 } });
  try {
    assert.is(k.connection.brokers.length, 3);
    assert.match(k.detail, /embedded broker \(3 nodes\)/);
    await k.connection.broker!.createTopic('svc');
    assert.is(k.connection.broker!.stats().topics, 1);
  } finally {
    await k.close();
  }
});

test('a bad bootstrap address is an INVALID_ARGUMENT naming the flag', () => {
  assert.equal(parseBootstrap('kafka://a:1,b:2'), ['a:1', 'b:2']);
  try {
    parseBootstrap('nohost');
    assert.unreachable();
  } catch (e) {
    assert.ok(e instanceof PipelabError);
    assert.match(e.hint ?? '', /--kafka/);
  }
});

test('forced container mode without an engine fails fast with CONTAINER_RUNTIME_MISSING', async () => {
  const t0 = Date.now();
  const e = await resolveKafka({ env, mode: 'container' }).catch((x) => x);
  assert.instance(e, PipelabError);
  assert.is((e as PipelabError).code, 'CONTAINER_RUNTIME_MISSING');
  assert.ok(Date.now() - t0 < 5000);
});

test('forced local mode is refused: there is no Kafka binary to run', async () => {
  const e = await resolveKafka({ env, mode: 'local' }).catch((x) => x);
  assert.instance(e, PipelabError);
  assert.match((e as Error).message, /kafka: local mode unavailable/);
});

test(
  "the runner's overrides carry --kafka and --kafka-mode, and the mode is recorded in the services " + 'info',
  async () => {
    const r = servicesRequestFrom({ kafka: 'k:9092', 'kafka-mode': 'external' });
    assert.equal(r.kafka, { url: 'k:9092', mode: 'external' });
    const s = await resolveServices({ kafka: { env } });
    try {
      assert.is(s.info().kafka?.mode, 'embedded');
      assert.match(s.info().kafka?.detail ?? '', /embedded broker \(1 node\) at 127\.0\.0\.1:/);
    } finally {
      await s.close();
    }
  },
);

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseBootstrap, resolveKafka } from '../../../harness/services/kafka.ts';
import { PipelabError } from '../../../harness/errors.ts';

test('with no address Kafka resolves to the embedded broker, which real clients can use', async () => {
  const k = await resolveKafka({ env: {}, embedded: { brokers: 3 } });
  try {
    assert.is(k.mode, 'embedded');
    assert.is(k.connection.brokers.length, 3);
    assert.ok(k.connection.broker);
    assert.match(k.detail, /embedded broker \(3 node/);
    k.connection.broker!.createTopic('svc');
    assert.is(k.connection.broker!.stats().topics, 1);
  } finally {
    await k.close();
  }
});

test('PIPELAB_KAFKA selects an external cluster without starting anything', async () => {
  const k = await resolveKafka({ env: { PIPELAB_KAFKA: 'kafka-1:9092, kafka-2:9092' } });
  assert.is(k.mode, 'external');
  assert.equal(k.connection.brokers, ['kafka-1:9092', 'kafka-2:9092']);
  assert.is(k.connection.broker, undefined);
  await k.close();
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

test('forcing container mode says it is not available for Kafka', async () => {
  const err = await resolveKafka({ env: {}, mode: 'container' }).then(() => null, (e: unknown) => e);
  assert.ok(err instanceof PipelabError);
  assert.match(err.message, /not available/);
});

test.run();

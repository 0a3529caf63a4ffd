import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchemaRegistry as Client } from '@kafkajs/confluent-schema-registry';
import { startSchemaRegistry, type SchemaRegistry } from '../../broker/schema-registry/index.ts';
import { createSerializer } from '../../harness/formats/index.ts';
import { freePort } from '../../harness/services/ports.ts';
import { TRANSACTION_AVSC } from '../../generators/schemas/index.ts';
import { TransactionStream } from '../../generators/transactions.ts';
import { rejected } from '../helpers/errors.ts';

const ORDER = {
  type: 'record',
  name: 'Order',
  namespace: 'shop',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'amount', type: 'double' },
    { name: 'tags', type: { type: 'array', items: 'string' } },
  ],
};
const ORDER_V2 = { ...ORDER, fields: [...ORDER.fields, { name: 'channel', type: 'string', default: 'web' }] };
const order = { orderId: 'o-1', amount: 9.99, tags: ['new'] };
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

let registry: SchemaRegistry;
let dir: string;
test.before.each(async () => {
  registry = await startSchemaRegistry();
  dir = mkdtempSync(join(tmpdir(), 'pipelab-formats-'));
});
test.after.each(async () => {
  await registry.close();
  rmSync(dir, { recursive: true, force: true });
});

test('json, string and avro (an .avsc path) through one interface', async () => {
  const path = join(dir, 'order.avsc');
  writeFileSync(path, JSON.stringify(ORDER));
  const avro = await createSerializer({ format: 'avro', schema: path });
  assert.equal(plain(avro.decode(avro.encode(order))), order);
  const json = await createSerializer({ format: 'json' });
  assert.equal(json.decode(json.encode(order)), order);
  const str = await createSerializer({ format: 'string' });
  assert.is(str.decode(str.encode('x,y')), 'x,y');
  const e = await rejected(createSerializer({ format: 'avro', schema: join(dir, 'missing.avsc') }));
  assert.match(e.message, /^schema: cannot read .*missing\.avsc: ENOENT/);
  writeFileSync(join(dir, 'bad.avsc'), '{"type": "record", "name": "X", "fields": [{"name": "a", "type": "strin"}]}');
  const bad = await rejected(
    createSerializer({
      format: 'avro',
      schema: join(dir, 'bad.avsc'),
      where: { field: 'target.produce.schema', code: 'INVALID_SCENARIO' },
    }),
  );
  assert.is(bad.exitCode, 104);
  assert.match(bad.message, /^target\.produce\.schema\.fields\.0\.type: .*unknown type name 'strin' \(field 'a'\)/);
  writeFileSync(join(dir, 'notjson.avsc'), '{ type: record }');
  assert.match(
    (await rejected(createSerializer({ format: 'avro', schema: join(dir, 'notjson.avsc') }))).message,
    /is not JSON/,
  );
  assert.match((await rejected(createSerializer({ format: 'xml' as 'json' }))).message, /'xml' is not a format/);
});

test('avro-confluent: registers once, frames with the id, round-trips through the embedded registry', async () => {
  const s = await createSerializer({
    format: 'avro-confluent',
    schema: ORDER,
    registry: { url: registry.url },
    subject: 'orders-value',
  });
  assert.is(s.schemaId, 1);
  const bytes = s.encode(order);
  assert.equal([...bytes.subarray(0, 5)], [0, 0, 0, 0, 1]);
  assert.equal(plain(s.decode(bytes)), order);
  // a second serializer for the same schema finds it: same id, nothing new registered
  const again = await createSerializer({
    format: 'avro-confluent',
    schema: ORDER,
    registry: { url: registry.url },
    subject: 'orders-value',
  });
  assert.is(again.schemaId, 1);
  assert.equal(registry.stats(), { schemas: 1, subjects: 1 });
  // without a schema: the subject's latest
  const latest = await createSerializer({
    format: 'avro-confluent',
    registry: { url: registry.url },
    subject: 'orders-value',
  });
  assert.equal(plain(latest.decode(bytes)), order);
  // the built-in generators' schemas by name
  const tx = await createSerializer({
    format: 'avro-confluent',
    schema: TRANSACTION_AVSC,
    registry: { url: registry.url },
    subject: 'tx-value',
  });
  const t = new TransactionStream({ seed: 1 }).next();
  assert.equal(plain(tx.decode(tx.encode(t))), plain(t));
});

test('@kafkajs/confluent-schema-registry and pipelab read each other through the embedded registry', async () => {
  const client = new Client({ host: registry.url });
  const ours = await createSerializer({
    format: 'avro-confluent',
    schema: ORDER,
    registry: { url: registry.url },
    subject: 'orders-value',
  });
  // ours → theirs
  assert.equal(plain(await client.decode(ours.encode(order))), order);
  // theirs → ours: the client registers its own (evolved, compatible) version, ours fetches the writer once
  const { id } = await client.register(ORDER_V2 as never, { subject: 'orders-value' });
  assert.is(id, 2);
  const theirs = await client.encode(id, { ...order, channel: 'app' });
  assert.equal(plain(await ours.decodeAsync(theirs)), order, 'read into our v1 schema (channel dropped)');
  assert.equal(plain(ours.decode(theirs)), order, 'now known: the sync path reads it');
  const v2 = await createSerializer({
    format: 'avro-confluent',
    schema: ORDER_V2,
    registry: { url: registry.url },
    subject: 'orders-value',
  });
  assert.is(v2.schemaId, 2);
  assert.equal(plain(await v2.decodeAsync(ours.encode(order))), { ...order, channel: 'web' }, 'v1 data, v2 default');
  assert.equal(plain(await client.decode(v2.encode({ ...order, channel: 'pos' }))), { ...order, channel: 'pos' });
});

test("registry errors carry the registry message; compatibility is the registry owner's", async () => {
  const opts = { format: 'avro-confluent' as const, registry: { url: registry.url }, subject: 'orders-value' };
  await createSerializer({ ...opts, schema: ORDER });
  const incompatible = { ...ORDER, fields: [...ORDER.fields, { name: 'channel', type: 'string' }] };
  const e = await rejected(
    createSerializer({
      ...opts,
      schema: incompatible,
      where: { field: 'target.produce.schema', code: 'INVALID_SCENARIO' },
    }),
  );
  assert.is(e.exitCode, 104);
  assert.match(e.message, /^target\.produce\.schema: the schema registry at http:\/\/127\.0\.0\.1:\d+ said/);
  assert.match(e.message, /incompatible with an earlier schema for subject "orders-value"/);
  assert.match(e.hint ?? '', /compatible/);
  // the subject's owner sets NONE: the same schema registers (pipelab does not impose BACKWARD)
  await fetch(`${registry.url}/config/orders-value`, {
    method: 'PUT',
    body: JSON.stringify({ compatibility: 'NONE' }),
  });
  const s = await createSerializer({ ...opts, schema: incompatible });
  assert.is(s.schemaId, 2);
  const unknown = await rejected(createSerializer({ ...opts, subject: 'nope-value' }));
  assert.match(unknown.message, /Subject 'nope-value' not found/);
  const noReg = await rejected(createSerializer({ format: 'avro-confluent', schema: ORDER, subject: 'x' }));
  assert.match(noReg.message, /needs a schema registry URL/);
  assert.match(noReg.hint ?? '', /--schema-registry/);
  assert.match(
    (await rejected(createSerializer({ ...opts, schema: ORDER, autoRegister: false, subject: 'fresh-value' }))).message,
    /not registered under 'fresh-value'/,
  );
});

test('an unreachable registry is exit 106 naming the URL', async () => {
  const url = `http://127.0.0.1:${await freePort()}`;
  const e = await rejected(
    createSerializer({ format: 'avro-confluent', schema: ORDER, registry: { url }, subject: 'orders-value' }),
  );
  assert.is(e.code, 'SERVICE_UNAVAILABLE');
  assert.is(e.exitCode, 106);
  assert.ok(e.message.includes(`schema registry at ${url} unreachable`), e.message);
  assert.match(e.message, /ECONNREFUSED/);
  const notUrl = await rejected(
    createSerializer({ format: 'avro-confluent', schema: ORDER, registry: { url: 'localhost 8081' }, subject: 'x' }),
  );
  assert.match(notUrl.message, /is not a URL/);
});

test.run();

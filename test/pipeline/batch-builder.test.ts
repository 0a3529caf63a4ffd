/**
 * pipelab's own record batches and Produce requests (pipeline/batch-builder.ts, platformatic-produce.ts)
 * are the bytes @platformatic/kafka writes for the same records: its createRecordsBatch (uncompressed,
 * lz4, snappy) and its produceV3-V11 createRequest, so every broker that takes that client's requests
 * takes these. Records cover null and empty keys, empty and binary values, multi-byte text, and values
 * whose lengths cross the varints' one/two/three-byte boundaries; the broker's own batch reader
 * (broker/protocol/record-batch.ts) checks the header and CRC.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseBatchHeader } from '../../broker/protocol/record-batch.ts';
import { BatchBuilder } from '../../pipeline/batch-builder.ts';
import { shimWithResolvers } from '../../pipeline/platformatic.ts';
import { type PartitionBatch, produceRequest } from '../../pipeline/platformatic-produce.ts';

interface Rec {
  key: Buffer | null;
  value: string | Buffer | null;
  headers: [string, string | Buffer][];
}

const records: Rec[] = [
  { key: Buffer.from('u1'), value: '{"id":"t1","amount":12.5}', headers: [['pipelab-event-id', 't1']] },
  { key: null, value: 'no key', headers: [] },
  { key: Buffer.alloc(0), value: '', headers: [['e', '']] },
  {
    key: Buffer.from('ü'),
    value: `Café ${'é'.repeat(70)}`,
    headers: [
      ['a', 'ü'],
      ['b', 'x'.repeat(60)],
    ],
  },
  { key: Buffer.from('k'), value: Buffer.from([0, 255, 7]), headers: [['bin', Buffer.from([1, 2])]] },
  { key: Buffer.from('t'), value: null, headers: [] }, // a tombstone
];
// lengths around the varint boundaries: a zigzag varint holds 63 in one byte, 8191 in two
for (const n of [47, 48, 63, 64, 65, 120, 8100, 8191, 8192, 8300, 1_048_600])
  records.push({ key: Buffer.from(`n${n}`), value: 'v'.repeat(n), headers: [['h', 'w'.repeat(n % 70)]] });
records.push({ key: Buffer.from('big'), value: 'é'.repeat(40) + 'x'.repeat(8120), headers: [] });

function build(rs: Rec[], now: number, codec = 0, compress?: (b: Buffer) => Buffer): Buffer {
  const b = new BatchBuilder(1024); // small: the buffer grows on the way
  for (const r of rs) {
    b.open(4, r.key, r.headers.length); // a poor size guess on purpose: the length varint is moved
    b.value(r.value);
    for (const [k, v] of r.headers) b.header(Buffer.from(k), v);
    b.close();
  }
  return b.finish(now, codec, compress);
}

async function client() {
  shimWithResolvers();
  return await import('@platformatic/kafka');
}

const messages = (rs: Rec[], now: number, topic = 't', partition = 0) =>
  rs.map((r) => ({
    topic,
    partition,
    key: r.key ?? undefined,
    value: typeof r.value === 'string' ? Buffer.from(r.value) : (r.value ?? undefined),
    headers: new Map(r.headers.map(([k, v]) => [Buffer.from(k), typeof v === 'string' ? Buffer.from(v) : v])),
    timestamp: BigInt(now),
  })) as unknown as Parameters<Awaited<ReturnType<typeof client>>['createRecordsBatch']>[0];

test("a batch is the client's createRecordsBatch, uncompressed and compressed", async () => {
  const pk = await client();
  const now = 1_765_059_422_123;
  for (const c of ['none', 'lz4', 'snappy', 'gzip'] as const) {
    const algo = pk.compressionsAlgorithms[c];
    const compress = c === 'none' ? undefined : (b: Buffer) => algo.compressSync(b) as Buffer;
    const ours = build(records, now, algo.bitmask, compress);
    const header = parseBatchHeader(ours);
    assert.is(header.count, records.length, c);
    assert.is(header.firstTimestamp, now);
    if (c === 'gzip') {
      // gzip output carries no fixed bytes to compare: the records read back as the client's
      const back = pk.readRecordsBatch(pk.Reader.from(ours)).records;
      const theirs = pk.readRecordsBatch(pk.Reader.from(pk.createRecordsBatch(messages(records, now)).buffer)).records;
      assert.equal(back, theirs);
      continue;
    }
    const theirs = pk.createRecordsBatch(messages(records, now), { compression: c }).buffer;
    assert.ok(ours.equals(theirs), `${c}: the client's bytes`);
  }
});

test('a builder starts over after finish; a batch of one record', async () => {
  const pk = await client();
  const b = new BatchBuilder();
  b.open(40, Buffer.from('a'), 0);
  b.value('first');
  b.close();
  b.finish(5);
  b.open(40, Buffer.from('b'), 1);
  b.value('second');
  b.header(Buffer.from('h'), 'v');
  b.close();
  const ours = b.finish(7);
  const theirs = pk.createRecordsBatch(
    messages([{ key: Buffer.from('b'), value: 'second', headers: [['h', 'v']] }], 7),
  );
  assert.ok(ours.equals(theirs.buffer));
});

test("a Produce request's body is the client's createRequest for v3 to v11", async () => {
  const pk = await client();
  const now = 1_765_059_422_000;
  const parts = [0, 3, 5];
  const group: PartitionBatch[] = parts.map((p, i) => [p, build(records.slice(i, i + 4), now)]);
  const msgs = parts.flatMap((p, i) => messages(records.slice(i, i + 4), now, 'orders-in', p));
  for (let v = 3; v <= 11; v++) {
    const api = (pk as unknown as Record<string, { createRequest: (...a: unknown[]) => { buffer: Buffer } }>)[
      `produceV${v}`
    ]!;
    const theirs = api.createRequest(-1, 5000, msgs, {}).buffer;
    const ours = Buffer.concat(produceRequest(v, 'orders-in', 5000, group));
    assert.ok(ours.equals(theirs), `v${v}`);
  }
});

test.run();

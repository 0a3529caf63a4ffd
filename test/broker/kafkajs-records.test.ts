/**
 * broker/kafkajs-records.ts against kafkajs's own record decoder: the same record objects (properties, order,
 * strings, Buffer views, header objects with repeated names as arrays) and the same position after the record, on
 * records kafkajs writes and on odd ones written here byte by byte (null keys, values, header names and values,
 * repeated names, Object.prototype's names, long and non-ASCII names, deltas past 7 varint bytes, offsets and
 * timestamps past 2^53, log-append time); whole record batches through kafkajs's batch decoder bound to either
 * (uncompressed, gzip, snappy, lz4, transactional, control batches with commit and abort markers). Then installed:
 * kafkajs's batch decoder binds it, and a kafkajs consumer reads what a producer wrote through the embedded broker;
 * the fallback when kafkajs had fetched first, the opt-out PIPELAB_KAFKAJS_DECODER=kafkajs and a bad value of it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deepStrictEqual } from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { registerKafkajsCodecs } from '../../broker/codecs.ts';
import {
  decodeKafkajsRecord,
  installKafkajsRecordDecoder,
  kafkajsDecoderInUse,
  type KafkajsRecord,
  newKafkajsDecoder,
} from '../../broker/kafkajs-records.ts';

const require = createRequire(import.meta.url);
type Decode = (d: ReturnType<typeof newKafkajsDecoder>, ctx?: unknown) => KafkajsRecord;
const kafkajsOwn = require('kafkajs/src/protocol/recordBatch/record/v0/decoder.js') as Decode;
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (r: unknown) => {
  buffer: Buffer;
};

const ctx = (o: Record<string, unknown> = {}) => ({
  firstOffset: '1234567',
  firstTimestamp: '1765000000000',
  magicByte: 2,
  isControlBatch: false,
  timestampType: 0,
  maxTimestamp: '1765000000999',
  ...o,
});

/** a record's bytes after its length (what kafkajs hands the record decoder), from kafkajs's encoder */
function body(r: unknown): Buffer {
  const d = newKafkajsDecoder(encodeRecord(r).buffer) as unknown as { readVarIntBytes(): Buffer };
  return d.readVarIntBytes();
}

/** both decoders on the same bytes and context: equal records, equal end positions */
function same(bytes: Buffer, c: unknown, label: string): KafkajsRecord {
  const a = newKafkajsDecoder(bytes);
  const b = newKafkajsDecoder(bytes);
  const theirs = kafkajsOwn(a, c);
  const ours = decodeKafkajsRecord(b, c as never);
  try {
    deepStrictEqual(ours, theirs);
  } catch (e) {
    throw new Error(`${label}: ${(e as Error).message}`);
  }
  assert.is(b.offset, a.offset, `${label}: position after the record`);
  return ours;
}

/** varint bytes as Kafka writes them (zigzag), for the odd records */
function varint(n: number | bigint): number[] {
  let z = BigInt(n) >= 0n ? BigInt(n) * 2n : -BigInt(n) * 2n - 1n;
  const out: number[] = [];
  do {
    const b = Number(z & 0x7fn);
    z >>= 7n;
    out.push(z > 0n ? b | 0x80 : b);
  } while (z > 0n);
  return out;
}
const bytesOf = (s: string | null) => (s === null ? varint(-1) : [...varint(Buffer.byteLength(s)), ...Buffer.from(s)]);

/** a record body byte by byte: attributes, timestamp delta, offset delta, key, value, headers */
function raw(o: {
  ts?: number | bigint;
  off?: number;
  key?: string | null;
  value?: string | null;
  headers?: [string | null, string | null][] | null;
}): Buffer {
  const h = o.headers === null ? varint(-1) : [...varint(o.headers?.length ?? 0)];
  for (const [k, v] of o.headers ?? []) h.push(...bytesOf(k), ...bytesOf(v));
  return Buffer.from([
    0,
    ...varint(o.ts ?? 0),
    ...varint(o.off ?? 0),
    ...bytesOf(o.key === undefined ? 'k' : o.key),
    ...bytesOf(o.value === undefined ? 'v' : o.value),
    ...h,
  ]);
}

test('records kafkajs writes: decisions, transactions, no headers, null keys', () => {
  let x = 7;
  const rnd = () => {
    x = (x * 1103515245 + 12345) >>> 0;
    return x;
  };
  for (let i = 0; i < 3000; i++) {
    const id = `8f1c1c2e-4a7b-4f6a-9a55-${String(rnd()).padStart(12, '0')}`;
    const headers =
      i % 3 === 0
        ? {
            'pipelab-event-id': id,
            'pipelab-processor': 'processor-1234-1',
            'pipelab-stage-ms': `${1765000000000 + (rnd() % 1000)}.456,1.2,5.6,1765000000130.1`,
            'pipelab-source-partition': String(rnd() % 12),
            'pipelab-source-offset': String(rnd()),
            'pipelab-sent-ms': '1765000000100.000',
          }
        : i % 3 === 1
          ? { 'pipelab-event-id': id, 'pipelab-sent-ms': String(rnd()) }
          : {};
    const r = {
      offsetDelta: rnd() % 5000,
      timestampDelta: (rnd() % 100_000) - 50_000,
      key: i % 17 === 0 ? null : Buffer.from(`u${rnd() % 10_000}`),
      value: i % 29 === 0 ? null : Buffer.from(`{"eventId":"${id}","amount":${rnd() % 1000}}`),
      headers,
    };
    const c = i % 5 === 0 ? ctx({ firstOffset: String(rnd()), firstTimestamp: String(1765000000000 + rnd()) }) : ctx();
    same(body(r), c, `record ${i}`);
  }
});

test('odd records: null and repeated headers, prototype names, long and non-ASCII names', () => {
  const cases: [string, Parameters<typeof raw>[0]][] = [
    ['null key and value', { key: null, value: null }],
    ['empty key, value and header', { key: '', value: '', headers: [['', '']] }],
    ['header count -1', { headers: null }],
    ['null header value', { headers: [['a', null]] }],
    ['null header name', { headers: [[null, 'x']] }],
    [
      'a name three times',
      {
        headers: [
          ['a', '1'],
          ['b', '2'],
          ['a', '3'],
          ['a', null],
        ],
      },
    ],
    [
      'null first, then again',
      {
        headers: [
          ['a', null],
          ['a', '2'],
        ],
      },
    ],
    ['toString', { headers: [['toString', 'x']] }],
    ['__proto__', { headers: [['__proto__', 'x']] }],
    [
      '__proto__ twice',
      {
        headers: [
          ['__proto__', 'x'],
          ['__proto__', 'y'],
        ],
      },
    ],
    [
      'number-like names',
      {
        headers: [
          ['2', 'x'],
          ['1', 'y'],
          ['b', 'z'],
        ],
      },
    ],
    [
      'non-ASCII name and value',
      {
        headers: [
          ['größe-ü', 'wert €'],
          ['größe-ü', 'x'],
        ],
      },
    ],
    [
      'a name longer than 64 bytes',
      {
        headers: [
          ['n'.repeat(200), 'v'],
          ['n'.repeat(200), 'w'],
        ],
      },
    ],
    [
      'names alike in length, ends and middle',
      {
        headers: [
          ['axxb', '1'],
          ['ayxb', '2'],
          ['axxb', '3'],
        ],
      },
    ],
    ['a large offset delta', { off: 2 ** 31 - 1 }],
    ['a negative offset delta', { off: -5 }],
    ['a timestamp delta of 7 varint bytes', { ts: 2 ** 47 }],
    ['a timestamp delta of 9 varint bytes', { ts: 2n ** 62n }],
    ['a negative timestamp delta of 9 bytes', { ts: -(2n ** 61n) }],
  ];
  for (const [label, r] of cases) {
    same(raw(r), ctx(), label);
    same(raw(r), ctx({ timestampType: 1 }), `${label}, log-append time`);
  }
  // the name cache must not hand one name's text to another of the same length and ends
  const h = same(
    raw({
      headers: [
        ['axxb', '1'],
        ['ayxb', '2'],
      ],
    }),
    ctx(),
    'cache',
  ).headers;
  assert.equal(Object.keys(h), ['axxb', 'ayxb']);
});

test('batch contexts: offsets and timestamps past 2^53, missing ones, odd texts, control batches', () => {
  const r = raw({ ts: 5, off: 3, headers: [['a', 'b']] });
  const contexts = [
    ctx({ firstOffset: String(2 ** 53 - 2) }),
    ctx({ firstOffset: String(2 ** 53) }),
    ctx({ firstOffset: '9223372036854775807' }),
    ctx({ firstOffset: '-1', firstTimestamp: '-1' }),
    ctx({ firstTimestamp: '9223372036854775800' }),
    ctx({ firstOffset: '00012' }),
    ctx({ firstOffset: 'NaN' }),
    ctx({ timestampType: 1, maxTimestamp: '' }),
    ctx({ isControlBatch: undefined }),
    ctx({ isControlBatch: true }),
  ];
  for (const [i, c] of contexts.entries()) same(r, c, `context ${i}`);
  // and after an odd context, a plain one again (the cached numbers are per text)
  same(r, ctx(), 'plain after odd');
});

test('a bad PIPELAB_KAFKAJS_DECODER is refused, naming the variable and its values', () => {
  assert.throws(
    () => installKafkajsRecordDecoder({ PIPELAB_KAFKAJS_DECODER: 'fast' }),
    (e: Error & { code?: string }) =>
      e.code === 'INVALID_ARGUMENT' && /PIPELAB_KAFKAJS_DECODER: unknown record decoder "fast"/.test(e.message),
  );
  assert.is(kafkajsDecoderInUse(), 'kafkajs');
});

const RECORD_PATH = require.resolve('kafkajs/src/protocol/recordBatch/record/v0/decoder.js');
const BATCH_PATH = require.resolve('kafkajs/src/protocol/recordBatch/v0/decoder.js');
type BatchDecoder = (d: unknown) => Promise<{ records: KafkajsRecord[] }>;

/** a fresh instance of kafkajs's record batch decoder bound to `record` (left out of the module cache after) */
function batchDecoderWith(record: Decode): BatchDecoder {
  const mod = require.cache[RECORD_PATH] as NodeJS.Module;
  const saved = mod.exports;
  mod.exports = record;
  delete require.cache[BATCH_PATH];
  try {
    return require(BATCH_PATH) as BatchDecoder;
  } finally {
    delete require.cache[BATCH_PATH];
    mod.exports = saved;
  }
}

test('whole batches: uncompressed, compressed, transactional, control markers, as kafkajs decodes them', async () => {
  registerKafkajsCodecs(); // snappy and lz4 for kafkajs (and pipelab's decoder installed, which is tested below)
  const kafkajs = (await import('kafkajs')).default;
  const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
    RecordBatch: (o: Record<string, unknown>) => Promise<{ buffer: Buffer }>;
  };
  const theirs = batchDecoderWith(kafkajsOwn);
  const ours = batchDecoderWith(decodeKafkajsRecord as Decode);
  const C = kafkajs.CompressionTypes;
  let n = 0;
  for (const compression of [C.None, C.GZIP, C.Snappy, C.LZ4])
    for (const size of [1, 8, 250]) {
      const records = Array.from({ length: size }, (_, i) =>
        encodeRecord({
          offsetDelta: i,
          timestampDelta: i * 3,
          key: i % 5 === 0 ? null : Buffer.from(`u${i}`),
          value: i % 9 === 0 ? null : Buffer.from(`{"n":${i}}`),
          headers: i % 4 === 0 ? {} : { 'pipelab-event-id': `e${i}`, twice: [`a${i}`, `b${i}`] },
        }),
      );
      for (const transactional of [false, true]) {
        const batch = await RecordBatch({
          compression,
          firstOffset: 1000 + n,
          firstTimestamp: 1765000000000 + n,
          maxTimestamp: 1765000000999 + n,
          lastOffsetDelta: size - 1,
          transactional,
          producerId: transactional ? 77 : -1,
          records,
        });
        const a = await theirs(newKafkajsDecoder(batch.buffer));
        const b = await ours(newKafkajsDecoder(batch.buffer));
        deepStrictEqual(b, a);
        assert.is(b.records.length, size);
        n++;
      }
    }
  // control batches: a commit and an abort marker (key: version 0, type 1 / 0; value: version 0, coordinator epoch)
  for (const type of [0, 1]) {
    const marker = encodeRecord({ key: Buffer.from([0, 0, 0, type]), value: Buffer.from([0, 0, 0, 0, 0, 5]) });
    const batch = (await RecordBatch({ transactional: true, producerId: 77, records: [marker] })).buffer;
    batch.writeInt16BE(batch.readInt16BE(21) | 0x20, 21); // the control bit (kafkajs checks no CRC)
    const a = await theirs(newKafkajsDecoder(batch));
    const b = await ours(newKafkajsDecoder(batch));
    deepStrictEqual(b, a);
    assert.is(b.records[0]!.isControlRecord, true);
  }
});

test('installed: kafkajs binds it, and a consumer reads what a producer wrote', async () => {
  assert.is(installKafkajsRecordDecoder(), true);
  assert.is(kafkajsDecoderInUse(), 'pipelab');
  assert.is(require(RECORD_PATH), decodeKafkajsRecord);
  const { default: kafkajs } = await import('kafkajs');
  const { startBroker } = await import('../../broker/index.ts');
  const broker = await startBroker({ defaultPartitions: 1 });
  const kafka = new kafkajs.Kafka({ brokers: broker.bootstrap, logLevel: kafkajs.logLevel.NOTHING });
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: 'records', maxWaitTimeInMs: 20 });
  try {
    await Promise.all([producer.connect(), consumer.connect()]);
    const sent = Array.from({ length: 40 }, (_, i) => ({
      key: i % 7 === 0 ? null : `u${i}`,
      value: i % 11 === 0 ? null : `value ${i}`,
      headers: i % 3 === 0 ? {} : { 'pipelab-event-id': `e${i}`, twice: [`a${i}`, `b${i}`] },
    }));
    for (const compression of [kafkajs.CompressionTypes.None, kafkajs.CompressionTypes.LZ4])
      await producer.send({ topic: 'records', compression, messages: sent });
    await consumer.subscribe({ topic: 'records', fromBeginning: true });
    const got: KafkajsRecord[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          got.push(message as unknown as KafkajsRecord);
          if (got.length === 2 * sent.length) resolve();
        },
      });
    });
    for (const [i, m] of got.entries()) {
      const s = sent[i % sent.length]!;
      assert.is(m.offset, String(i));
      assert.equal(m.key?.toString() ?? null, s.key);
      assert.equal(m.value?.toString() ?? null, s.value);
      const h = Object.fromEntries(
        Object.entries(m.headers).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : String(v)]),
      );
      assert.equal(h, s.headers);
    }
  } finally {
    await Promise.all([producer.disconnect(), consumer.disconnect()]);
    await broker.close();
  }
});

/** an ES module's lines run in a fresh Node (tsx) from the project root: the process-wide decoder starts unset */
function runModule(lines: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', lines.join('\n')], {
    encoding: 'utf8',
    cwd: new URL('../..', import.meta.url).pathname,
    env: { ...process.env, ...env },
  });
}

test('kafkajs that decoded record batches first keeps its own decoder, and says so once', () => {
  const script = [
    "import { createRequire } from 'node:module';",
    "createRequire(import.meta.url)('kafkajs/src/protocol/recordBatch/v0/decoder.js');",
    "const m = await import('./broker/kafkajs-records.ts');",
    'console.log(m.installKafkajsRecordDecoder(), m.installKafkajsRecordDecoder());',
  ];
  const r = runModule(script);
  assert.is(r.stdout.trim(), 'false false', r.stderr);
  const notices = r.stderr.split('\n').filter((l) => l.startsWith('NOTICE: kafkajs keeps its own record decoder'));
  assert.equal(notices, [
    'NOTICE: kafkajs keeps its own record decoder (kafkajs had decoded record batches before): the same records, ' +
      'decoded more slowly',
  ]);
});

test("PIPELAB_KAFKAJS_DECODER=kafkajs keeps kafkajs's own decoder, without a notice", () => {
  const script = [
    "import { createRequire } from 'node:module';",
    "const m = await import('./broker/kafkajs-records.ts');",
    "const own = createRequire(import.meta.url)('kafkajs/src/protocol/recordBatch/record/v0/decoder.js');",
    'console.log(m.installKafkajsRecordDecoder(), m.kafkajsDecoderInUse(), own === m.decodeKafkajsRecord);',
  ];
  const r = runModule(script, { PIPELAB_KAFKAJS_DECODER: 'kafkajs' });
  assert.is(r.stdout.trim(), 'false kafkajs false', r.stderr);
  assert.not.match(r.stderr, /NOTICE/);
});

test.run();

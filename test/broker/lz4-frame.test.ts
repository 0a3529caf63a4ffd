/**
 * The JavaScript LZ4 frame decoder against the frames the clients write: lz4-napi's (kafkajs's
 * codec, with and without checksums) and @platformatic/kafka's (wasm), on empty, tiny, repetitive
 * (overlapping matches), incompressible (stored blocks) and multi-block inputs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compressFrameSync } from 'lz4-napi';
import { compressionsAlgorithms } from '@platformatic/kafka';
import kafkajs from 'kafkajs';
import { registerKafkajsCodecs } from '../../broker/codecs.ts';
import { decodeLz4Frame } from '../../broker/lz4-frame.ts';

function random(n: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

const json = Buffer.from(
  JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ id: `t-${i}`, userId: `u${i % 7}`, amount: i * 1.5 }))),
);
const inputs: [string, Buffer][] = [
  ['empty', Buffer.alloc(0)],
  ['one byte', Buffer.from('x')],
  ['tiny', Buffer.from('hello hello hello')],
  ['run of one byte (overlapping match)', Buffer.alloc(10_000, 'a')],
  ['json records', json],
  ['incompressible', random(5000, 7)],
  ['multi-block (300 KiB)', Buffer.concat([random(100_000, 3), Buffer.alloc(100_000, 'b'), json, random(100_000, 9)])],
];

for (const [name, input] of inputs)
  test(`decodes ${name}: lz4-napi (plain, checksums) and platformatic frames`, () => {
    const frames = [
      compressFrameSync(input),
      compressFrameSync(input, { contentChecksum: true, blockChecksums: true }),
      Buffer.from(compressionsAlgorithms.lz4.compressSync(input) as Uint8Array),
    ];
    for (const f of frames) assert.ok(decodeLz4Frame(f).equals(input));
  });

test('refuses what is no LZ4 frame, and a truncated one', () => {
  assert.throws(() => decodeLz4Frame(Buffer.from('not a frame at all')), /not an LZ4 frame/);
  const f = compressFrameSync(json);
  assert.throws(() => decodeLz4Frame(f.subarray(0, f.length - 6)), /truncated/);
});

test("kafkajs's lz4 codec decodes a large frame on this thread, without a thread-pool hop", async () => {
  // kafkajs awaits each batch's decompression in turn: a hop to the pool costs a consumer one event-loop turn per
  // batch, which a busy loop makes tens of milliseconds (the results observer's fetches took 0.2-1.6 s that way)
  registerKafkajsCodecs();
  const codec = (
    kafkajs.CompressionCodecs[kafkajs.CompressionTypes.LZ4] as () => {
      decompress(b: Buffer): Promise<Buffer>;
    }
  )();
  const input = Buffer.concat(Array.from({ length: 40 }, (_, i) => Buffer.concat([json, random(500, i)])));
  const frame = compressFrameSync(input);
  assert.ok(frame.length > 16 * 1024, `a large frame (${frame.length} B)`);
  let out: Buffer | undefined;
  const done = codec.decompress(frame).then((b) => {
    out = b;
  });
  // only microtasks run here: a result from the thread pool would need a turn of the event loop
  for (let i = 0; i < 10; i++) await null;
  assert.ok(out?.equals(input), 'decoded within the same turn of the event loop');
  await done;
});

test.run();

/**
 * The JavaScript LZ4 frame decoder against the frames the clients write: lz4-napi's (kafkajs's
 * codec, with and without checksums) and @platformatic/kafka's (wasm), on empty, tiny, repetitive
 * (overlapping matches), incompressible (stored blocks) and multi-block inputs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compressFrameSync } from 'lz4-napi';
import { compressionsAlgorithms } from '@platformatic/kafka';
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

test.run();

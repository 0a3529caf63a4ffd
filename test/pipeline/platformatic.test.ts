/**
 * pipelab's murmur2 and key cache, by which the producing client of the kafka and pipeline targets
 * places a record's key itself: the same 32-bit hash as Kafka's (Utils.murmur2, its own test
 * vectors) and as @platformatic/kafka's BigInt one, for keys of every length and multi-byte text;
 * and the byte slab that writes header values: Buffer.from's bytes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ByteSlab, KeyCache, murmur2, shimWithResolvers } from '../../pipeline/platformatic.ts';

test("Kafka's murmur2 test vectors", () => {
  const cases: [string, number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [key, hash] of cases) assert.is(murmur2(Buffer.from(key)), hash, key);
});

test("the same hash as @platformatic/kafka's, for keys of 0 to 40 bytes and multi-byte text", async () => {
  shimWithResolvers();
  const pk = await import('@platformatic/kafka');
  const keys = ['', 'é', 'ü1', '日本語キー', '\u{1F600}x', 'u90150', 'd90150-0', 't1a-1234567'];
  for (let n = 0; n <= 40; n++)
    keys.push(Array.from({ length: n }, (_, i) => String.fromCharCode(33 + ((i * 7 + n) % 94))).join(''));
  for (let i = 0; i < 200; i++) keys.push(`u${(i * 2654435761) % 100_003}`);
  for (const key of keys) {
    const bytes = Buffer.from(key);
    assert.is(murmur2(bytes), pk.murmur2(bytes), JSON.stringify(key));
  }
});

test('a key cache gives the bytes and partition hash of the key, before and after it starts over', () => {
  const cache = new KeyCache(3);
  const first = cache.get('u1');
  assert.is(cache.get('u1'), first, 'a key seen before is the entry made for it');
  for (const key of ['u1', 'u2', 'u3', 'u4', 'ü5', 'u1']) {
    const k = cache.get(key);
    assert.equal(k.bytes, Buffer.from(key));
    assert.is(k.hash, murmur2(Buffer.from(key)) & 0x7fffffff);
  }
});

test("a byte slab's text is Buffer.from's UTF-8, short and long, ASCII or not, across slabs", () => {
  const slab = new ByteSlab();
  const texts = [
    '',
    'a',
    't1a.k3j2-1234567',
    'é',
    'x€y',
    '\u{1F600}',
    'ab\u00ffc',
    '{"id":"é"}'.repeat(9),
    'z'.repeat(47),
  ];
  texts.push('z'.repeat(48), 'q'.repeat(70_000), `${'a'.repeat(30)}ü`);
  const kept: [Buffer, string][] = [];
  for (let round = 0; round < 400; round++)
    for (const t of texts) {
      const b = slab.text(t);
      assert.equal(b, Buffer.from(t), JSON.stringify(t.slice(0, 20)));
      kept.push([b, t]);
    }
  // a fresh slab never overwrites bytes handed out before
  for (const [b, t] of kept) assert.ok(b.equals(Buffer.from(t)));
});

test.run();

/** The headers a decision carries: the stage times in one header, read back as the results consumer does. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { H, header, numHeader, stageTimes } from '../../../pipeline/processor/headers.ts';
import {
  chunkHeaders,
  decisionJson,
  decisionMessage,
  ModelTally,
  sinkBatches,
} from '../../../pipeline/processor/messages.ts';
import type { Transaction } from '../../../generators/transactions.ts';

const tx = { id: 'e-1', userId: 'u-1', amount: 12.5, eventTime: 1000 } as Transaction;
const pred = { score: 0.25, fraud: false, threshold: 0.5, source: 'model', modelVersion: 'v1' } as const;

test("a decision carries its chunk's four stage times in pipelab-stage-ms, and they read back", () => {
  const shared = chunkHeaders(
    'proc-1',
    1_733_000_000_123.4568,
    { featuresMs: 1.5, inferenceMs: 2.25, sinkMs: 1_733_000_000_130.5 },
    3,
  );
  const msg = {
    offset: '42',
    headers: { [H.eventId]: Buffer.from('e-1'), [H.sentMs]: Buffer.from('1733000000100.5') },
  };
  const d = decisionMessage({ tx, msg: msg as never, id: 'e-1' }, pred as never, shared);
  const h = d.headers as Record<string, Buffer | string>;
  assert.equal(
    Object.keys(h).sort(),
    [H.eventId, H.processor, H.sentMs, H.sourceOffset, H.sourcePartition, H.stageMs].sort(),
  );
  assert.is(header(h, H.stageMs), '1733000000123.457,1.500,2.250,1733000000130.500');
  assert.equal(stageTimes(h), {
    receivedMs: 1733000000123.457,
    featuresMs: 1.5,
    inferenceMs: 2.25,
    sinkMs: 1733000000130.5,
  });
  assert.is(header(h, H.sourcePartition), '3');
  assert.is(header(h, H.sourceOffset), '42');
});

test("the chunk's size rides as a fifth field; a header of four (written before it) still reads", () => {
  const shared = chunkHeaders('proc-1', 1000.5, { featuresMs: 1.5, inferenceMs: 2.25, sinkMs: 1010, records: 7 });
  assert.is(shared.stage.toString(), '1000.500,1.500,2.250,1010.000,7');
  assert.equal(stageTimes({ [H.stageMs]: shared.stage }), {
    receivedMs: 1000.5,
    featuresMs: 1.5,
    inferenceMs: 2.25,
    sinkMs: 1010,
    records: 7,
  });
  assert.equal(stageTimes({ [H.stageMs]: Buffer.from('1,2,3,4') }), {
    receivedMs: 1,
    featuresMs: 2,
    inferenceMs: 3,
    sinkMs: 4,
  });
});

test('a stage header missing or not four numbers reads as none (no stage trends; the decision still counts)', () => {
  assert.is(stageTimes(undefined), undefined);
  assert.is(stageTimes({}), undefined);
  for (const bad of ['1,2,3', '1,2,3,4,5,6', '1,2,3,4,0', '1,2,3,4,2.5', '1,x,3,4', '', '1,2,,4'])
    assert.is(stageTimes({ [H.stageMs]: Buffer.from(bad) }), undefined, bad);
});

test('numbers read from header bytes equal Number() of their text, odd forms included', () => {
  const texts = ['0', '-0', '7', '007', '42', '1733000000100.5', '1733000000123.457', '0.1', '0.30000000000000004'];
  texts.push('9007199254740991', '9007199254740993', '123456789012345678901234', '1e3', ' 5', '5 ', '+5', '.5', '5.');
  texts.push('0x1f', '', '-', '1.2.3', 'Infinity', '12a', '-1765048655123.999');
  let x = 0.123;
  for (let i = 0; i < 2000; i++) {
    x = (x * 9301 + 49297) % 233280;
    texts.push((1_765_000_000_000 + x * 7919.13).toFixed(i % 5), (x / 977).toFixed(3));
  }
  for (const t of texts) {
    const n = Number(t);
    const want = Number.isFinite(n) ? n : undefined; // '' reads as 0, as Number('') is
    assert.is(numHeader({ h: Buffer.from(t) }, 'h'), want, t);
    assert.is(numHeader({ h: t }, 'h'), want, t);
    const stage = stageTimes({ [H.stageMs]: Buffer.from(`${t},1.5,2,3`) });
    assert.is(stage?.receivedMs, t === '' ? undefined : want, t); // an empty part: no stage times
  }
  assert.is(numHeader({ h: [Buffer.from('12'), Buffer.from('13')] }, 'h'), 12);
  assert.is(numHeader({}, 'h'), undefined);
});

test('a decision value is byte for byte JSON.stringify of its fields, odd values included', () => {
  const fields = (t: Partial<Transaction>, p: Record<string, unknown>, id = 'e-1') => ({
    eventId: id,
    userId: t.userId,
    amount: t.amount,
    eventTime: t.eventTime,
    score: p.score,
    fraud: p.fraud,
    threshold: p.threshold,
    source: p.source,
    modelVersion: p.modelVersion,
  });
  const cases: Array<[Partial<Transaction>, Record<string, unknown>, string?]> = [
    [tx, pred],
    [
      { ...tx, amount: 0.1 + 0.2, eventTime: 1_765_048_655_123 },
      { ...pred, score: 1e-7, fraud: true },
    ],
    [
      { ...tx, amount: 1e21, eventTime: 1.5 },
      { ...pred, score: Number.NaN, threshold: -0 },
    ],
    [{ ...tx, userId: 'u"quoted\\' }, { ...pred, modelVersion: 'v\u00012' }, 'e\ud800'],
    [tx, { ...pred, threshold: undefined, source: 7 }],
    [
      { ...tx, amount: Number.POSITIVE_INFINITY },
      { ...pred, score: 0.9999999999999999 },
    ],
  ];
  for (const [t, p, id] of cases) {
    const x = { tx: t as Transaction, msg: { offset: '1' } as never, id: id ?? 'e-1' };
    assert.is(decisionJson(x, p as never), JSON.stringify(fields(t, p, id)));
  }
});

test('sinkBatches: a usual chunk is one send; a large one is cut under 512 KiB of UTF-8, in order', () => {
  const msg = (i: number, value: string) => ({ key: `u${i}`, value, headers: { [H.eventId]: `e${i}` } });
  const small = [{ topic: 'fraud-decisions', messages: [msg(1, 'x'.repeat(300)), msg(2, '{"a":1}')] }];
  assert.equal(sinkBatches(small), [small]);
  // 4 values of 60,000 '€' (180,000 bytes each, 60,000 UTF-16 units): only the bytes say they need 2 sends
  const euro = '€'.repeat(60_000);
  const big = [
    { topic: 'fraud-decisions', messages: [msg(1, euro), msg(2, euro)] },
    { topic: 'dead-letter', messages: [msg(3, euro), msg(4, euro), msg(5, 'y')] },
  ];
  const sends = sinkBatches(big);
  assert.equal(
    sends.map((send) => send.map((tm) => `${tm.topic}:${tm.messages.map((m) => m.key).join(',')}`)),
    [['fraud-decisions:u1,u2'], ['dead-letter:u3,u4,u5']],
  );
});

test('ModelTally: decisions by source and version added to the counts there', () => {
  const stats = { modelSources: { model: 2 } as Record<string, number>, modelVersions: {} as Record<string, number> };
  const t = new ModelTally(stats);
  for (const [source, modelVersion] of [
    ['model', 'v1'],
    ['model', 'v1'],
    ['rules', 'v2'],
    ['model', 'v1'],
  ])
    t.add({ source, modelVersion } as never);
  t.end();
  t.end();
  assert.equal(stats, { modelSources: { model: 5, rules: 1 }, modelVersions: { v1: 3, v2: 1 } });
});

test.run();

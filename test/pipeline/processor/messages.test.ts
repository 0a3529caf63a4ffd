/** The headers a decision carries: the stage times in one header, read back as the results consumer does. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { H, header, stageTimes } from '../../../pipeline/processor/headers.ts';
import { chunkHeaders, decisionMessage } from '../../../pipeline/processor/messages.ts';
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

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventLedger } from '../../../harness/targets/pipeline/accounting.ts';

test('every produced id ends decided, dead-lettered or missing; second results are duplicates', () => {
  const l = new EventLedger();
  for (const id of ['a', 'b', 'c', 'd']) l.produced(id, id === 'c');
  assert.ok(l.decided('a', 'model', 'v1'));
  assert.ok(l.deadLettered('c', 'schema'));
  assert.not.ok(l.decided('a', 'model', 'v1'));
  assert.not.ok(l.deadLettered('a', 'late'));
  assert.not.ok(l.decided('zzz', 'model', 'v1'));
  l.aggregate(3);
  assert.is(l.outstanding, 2);
  const acc = l.finish(1234);
  assert.equal(
    {
      produced: acc.produced,
      decided: acc.decided,
      dead: acc.deadLettered,
      missing: acc.missing,
      dup: acc.duplicates,
      foreign: acc.foreign,
      malformed: acc.malformedProduced,
    },
    { produced: 4, decided: 1, dead: 1, missing: 2, dup: 2, foreign: 1, malformed: 1 },
  );
  assert.equal(acc.missingSample.sort(), ['b', 'd']);
  assert.equal(acc.deadLetterReasons, { schema: 1 });
  assert.equal(acc.byModelVersion, { v1: 1 });
  assert.is(acc.aggregatedEvents, 3);
  assert.is(acc.drainMs, 1234);
});

test('a send the broker never acknowledged is counted as failed, not as produced or missing', () => {
  const l = new EventLedger();
  l.produced('a', true);
  l.produced('b', false);
  l.produceFailed('a');
  l.decided('b', 'rules', 'client-fallback');
  const acc = l.finish(0);
  assert.equal([acc.produced, acc.produceFailed, acc.missing, acc.malformedProduced], [1, 1, 0, 0]);
});

test.run();

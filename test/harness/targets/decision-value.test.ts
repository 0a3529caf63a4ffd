/**
 * decisionValue: the results observer's read of a decision's bytes gives exactly JSON.parse's source, model version,
 * user id and event time for every value the processors write, and gives up (the caller parses) on anything else.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decisionValue } from '../../../harness/targets/pipeline/decision-value.ts';
import { decisionJson, type Valid } from '../../../pipeline/processor/messages.ts';
import type { Prediction } from '../../../pipeline/model-server/server.ts';
import { Rng } from '../../../generators/rng.ts';

const pick = (o: Record<string, unknown>) => ({
  source: o.source,
  modelVersion: o.modelVersion,
  userId: o.userId,
  eventTime: o.eventTime,
});

function decision(r: Rng, i: number): string {
  const amount = [Math.round(r.next() * 1e6) / 100, r.next() * 1000, 0, 1e21, 5e-7][i % 5] as number;
  const eventTime = [1765059306123 + i, 1765059306123.25, 0, -1, 1e21, 2 ** 53 + 2][i % 6] as number;
  const score = [r.next(), 1e-7, 0, 1, 0.5][i % 5] as number;
  const x = { id: `t${i}-${r.next().toString(36).slice(2)}`, tx: { userId: `u${i % 97}`, amount, eventTime } };
  const pred = {
    id: x.id,
    score,
    fraud: r.next() < 0.5,
    threshold: [0.731, 0.915, 1e-9][i % 3] as number,
    source: i % 4 === 0 ? 'rules' : 'model',
    modelVersion: i % 3 === 0 ? 'v2' : 'client-fallback',
  };
  return decisionJson(x as unknown as Valid, pred as Prediction);
}

test("every decision the processors write reads as JSON.parse's fields", () => {
  const r = new Rng(7);
  let read = 0;
  for (let i = 0; i < 3000; i++) {
    const s = decision(r, i);
    const d = decisionValue(Buffer.from(s));
    const want = pick(JSON.parse(s));
    if (d) {
      read++;
      assert.equal(d, want, s);
      assert.ok(Object.is(d.eventTime, want.eventTime), s);
    }
  }
  // event times with an exponent (1e21) or past 2^53 are left to JSON.parse: two of the six kinds here
  assert.is(read, 2000);
});

test('anything else is left to JSON.parse, and a prefix of a decision is never read', () => {
  const ok =
    '{"eventId":"e1","userId":"u1","amount":12.5,"eventTime":1765059306123,"score":0.25,"fraud":false,' +
    '"threshold":0.731,"source":"model","modelVersion":"v1"}';
  assert.equal(decisionValue(Buffer.from(ok)), pick(JSON.parse(ok)));
  const odd = [
    ok.replace('"u1"', '"u\\"1"'),
    ok.replace('"u1"', '"\\u00fc"'),
    ok.replace('"u1"', '"ü"'),
    ok.replace('"model"', '"mo\tdel"'),
    ok.replace(',"score"', ', "score"'),
    ok.replace('1765059306123', '1.765059306123e12'),
    ok.replace('1765059306123', '01765059306123'),
    ok.replace('12.5', '12.'),
    ok.replace('0.25', '-'),
    ok.replace('false', 'nope'),
    ok.replace('"v1"}', '"v1","cardNumber":"x"}'),
    ok.replace('"eventTime":1765059306123,', ''),
    `${ok} `,
    'null',
    '',
    '[]',
  ];
  for (const s of odd) assert.is(decisionValue(Buffer.from(s)), undefined, s);
  for (let n = 0; n < ok.length; n++) assert.is(decisionValue(Buffer.from(ok.slice(0, n))), undefined, ok.slice(0, n));
  assert.is(decisionValue(null), undefined);
});

test.run();

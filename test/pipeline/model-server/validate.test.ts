import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePredictBody } from '../../../pipeline/model-server/validate.ts';

const good = () => ({
  transaction: {
    id: 't1',
    userId: 'u1',
    deviceId: 'd1',
    merchantId: 'm1',
    amount: 12.5,
    currency: 'EUR',
    country: 'DE',
    channel: 'online',
    eventTime: 1_767_225_600_000,
  },
  features: { user_transaction_count_1h: 1, user_avg_transaction_amount_24h: 10, user_device_risk_score: 0.2 },
});
type Inst = ReturnType<typeof good> & Record<string, any>;

test('well-formed bodies are accepted, in both forms and with every optional field', () => {
  const variants: ((x: Inst) => void)[] = [
    () => {},
    (x) => (x.transaction.eventTime = '2026-01-01T00:00:00Z' as never),
    (x) => Object.assign(x.transaction, { isFraud: true, fraudPattern: null }),
    (x) => Object.assign(x.transaction, { isFraud: false, fraudPattern: 'burst', extra: 1 }),
    (x) => (x.features.user_device_risk_score = 1),
    (x) => (x.transaction.amount = 0),
  ];
  for (const v of variants) {
    const x = good() as Inst;
    v(x);
    const one = parsePredictBody(JSON.parse(JSON.stringify(x)));
    const many = parsePredictBody(JSON.parse(JSON.stringify({ instances: [good(), x] })));
    assert.ok(one.ok && one.instances.length === 1, JSON.stringify(x));
    assert.ok(many.ok && many.instances.length === 2 && many.instances[1]!.transaction.id === 't1');
  }
});

test('every bad field is refused with its path, whichever check sees the body first', () => {
  const bad: [string, unknown][] = [];
  for (const k of ['id', 'userId', 'deviceId', 'merchantId', 'currency', 'country', 'channel'])
    for (const v of ['', 1, null, true, [], {}]) bad.push([`transaction/${k}`, v]);
  for (const v of [-1, '1', null, [], {}]) bad.push(['transaction/amount', v]);
  for (const v of ['not a time', null, true, {}]) bad.push(['transaction/eventTime', v]);
  bad.push(['transaction/isFraud', 'yes'], ['transaction/isFraud', 1], ['transaction/fraudPattern', 3]);
  for (const k of ['user_transaction_count_1h', 'user_avg_transaction_amount_24h', 'user_device_risk_score'])
    for (const v of [-0.5, '1', null, []]) bad.push([`features/${k}`, v]);
  bad.push(['features/user_device_risk_score', 1.5]);
  for (const [path, v] of bad) {
    const x = good() as Inst;
    const [obj, key] = path.split('/') as ['transaction' | 'features', string];
    (x[obj] as Record<string, unknown>)[key] = v;
    const r = parsePredictBody(JSON.parse(JSON.stringify({ instances: [good(), x] })));
    assert.ok(!r.ok, `${path} = ${JSON.stringify(v)} was accepted`);
    if (!r.ok)
      assert.ok(
        r.issues.some((i) => i.path === `/instances/1/${path}`),
        `${path}: ${JSON.stringify(r.issues)}`,
      );
  }
  for (const [path, body] of [
    ['/instances/0', { instances: [1] }],
    ['/instances/0/transaction', { instances: [{ features: good().features }] }],
    ['/instances', { instances: [] }],
    ['/instances', { instances: Array.from({ length: 1025 }, good) }],
    ['/features', { transaction: good().transaction }],
  ] as const) {
    const r = parsePredictBody(body);
    assert.ok(!r.ok && r.issues.some((i) => i.path === path), `${path}: ${JSON.stringify(r)}`);
  }
});

test.run();

/**
 * Pinned digests of generated streams: the same seed and config give the same bytes across code
 * changes, not only within one run. Each digest is the SHA-256 of many serialised events (JSON lines
 * and Avro) from one config, written down from the code of 746dbfd; a change to the generators or
 * serializers that moves one byte, one draw or one distribution fails here. Configs cover the paths:
 * normal payments, every fraud pattern, drifts, PII, id scopes, large populations (rejection-
 * inversion, uniform), user events, and event specs of every field kind.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { TransactionStream, type TransactionConfigInput } from '../../generators/transactions.ts';
import { UserEventStream } from '../../generators/user-events.ts';
import { transactionToAvro, transactionToJson, userEventToAvro, userEventToJson } from '../../generators/serialize.ts';
import { compileSpec } from '../../generators/spec/compile.ts';
import type { EventSpec } from '../../generators/spec/types.ts';
import { BENCH_SPEC } from '../../bench/generator-spec.ts';

const N = 20_000;

/** the first 16 hex digits of the SHA-256 of a stream's first N events as JSON lines, and as Avro where given */
function digests<E>(stream: { next(): E }, toJson: (e: E) => string, toAvro?: (e: E) => Uint8Array): string {
  const j = createHash('sha256');
  const a = createHash('sha256');
  for (let i = 0; i < N; i++) {
    const e = stream.next();
    j.update(`${toJson(e)}\n`);
    if (toAvro) a.update(toAvro(e));
  }
  const json = j.digest('hex').slice(0, 16);
  return toAvro ? `${json} ${a.digest('hex').slice(0, 16)}` : json;
}

const TX: [string, TransactionConfigInput, string][] = [
  ['defaults', {}, '24227dea9d49b378 ae73e8c70ebdad42'],
  ['seed 2, the bench config', { seed: 2 }, 'fdd65fb5a85ab799 12bcb0308e449713'],
  [
    'fraud, every pattern, short geo gaps',
    {
      seed: 5,
      fraudRate: 0.2,
      arrivals: { kind: 'poisson', rate: 200 },
      params: { geoVelocity: { gapMinMs: 1000, gapMaxMs: 20_000 } },
    },
    '0580773845b91fec 64fafd1058a6f553',
  ],
  [
    'drifts, pii, id scope',
    {
      seed: 'golden',
      fraudRate: 0.05,
      pii: true,
      idScope: 'abc123',
      drifts: [
        { param: 'amount.muShift', value: 1, onset: 5000, width: 1000 },
        { param: 'channelWeights', value: { mobile: 60 }, onset: 8000 },
        { param: 'travelRate', value: 0.3, onset: 2000, width: 500 },
      ],
    },
    '99ed63d48fa1a957 440b1a882e0d334e',
  ],
  [
    'large and uniform populations, diurnal arrivals',
    {
      seed: 77,
      users: { count: 1_500_000, zipf: 1.3 },
      merchants: { count: 500, zipf: 0 },
      arrivals: { kind: 'diurnal', mean: 5000, amplitude: 0.8, periodMs: 60_000 },
    },
    '7b8ac5d88b0d226f 3f6f7e2d638d7842',
  ],
];

for (const [name, cfg, want] of TX)
  test(`transactions, ${name}: JSON and Avro bytes as pinned`, () => {
    assert.is(digests(new TransactionStream(cfg), transactionToJson, transactionToAvro), want);
  });

test('user events: JSON and Avro bytes as pinned', () => {
  const got = digests(new UserEventStream({ seed: 7 }), userEventToJson, userEventToAvro);
  assert.is(got, '907620c2184b42b9 96f99fce6f0d6e6e');
});

/** the other field kinds and options */
const KINDS_SPEC: EventSpec = {
  entities: { shops: { count: 2000, zipf: 0.8, prefix: 's"' } },
  fields: {
    seq: { type: 'sequence', prefix: 'o-', start: 995 },
    n: { type: 'sequence', start: 0.5, step: 0.25 },
    shop: { type: 'key', entity: 'shops' },
    iso: { type: 'timestamp', format: 'iso', offset: { type: 'normal', mean: -5000, sd: 2000 } },
    secs: { type: 'timestamp', format: 's' },
    u: { type: 'uniform', min: -3, max: 3, round: 4 },
    e: { type: 'exponential', mean: 250, max: 1000, bounds: 'resample' },
    big: { type: 'lognormal', mu: 12, sigma: 3, round: 1 },
    raw: { type: 'normal', mean: 0, sd: 1e-3 },
    k: { type: 'int', min: -5, max: 5, nullRate: 0.1 },
    mixed: { type: 'choice', values: ['a', 1, true, null, 'b\n'] },
    label: { type: 'template', template: '{shop}/{k}' },
    nest: { type: 'object', fields: { x: { type: 'int', min: 0, max: 9 }, y: { type: 'boolean' } } },
    list: { type: 'array', length: { min: 0, max: 3 }, items: { type: 'uniform', min: 0, max: 1, round: 2 } },
    fixed: 'const',
  },
};

for (const [name, spec, want] of [
  ['the bench spec', BENCH_SPEC, 'bf34c815c6ed9e79'],
  ['every field kind', KINDS_SPEC, '07c7d0e812e65ac3'],
] as const)
  test(`event spec, ${name}: JSON bytes as pinned`, () => {
    const s = compileSpec(spec).create({ seed: 3 });
    const got = digests(s, (e) => s.toJson(e));
    assert.is(got, want);
  });

test.run();

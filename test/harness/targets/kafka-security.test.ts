/**
 * The kafka target against a SASL_SSL broker: both producing clients (kafkajs and
 * @platformatic/kafka) with SCRAM over TLS from the service settings; a wrong password is a
 * PipelabError (106) that names the settings to check; bad paths are 104 naming the flag.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBroker, type Broker } from '../../../broker/index.ts';
import { PipelabError } from '../../../errors.ts';
import { runScenario } from '../../../harness/runner/index.ts';
import { kafkaSecurityFrom } from '../../../harness/services/kafka-security.ts';
import type { CounterData, RateData } from '../../../results/types.ts';
import { haveOpenssl, makeCerts, type TestCerts } from '../../helpers/certs.ts';

const ok = haveOpenssl();
let certs: TestCerts;
let broker: Broker;
test.before(async () => {
  if (!ok) return;
  certs = makeCerts();
  broker = await startBroker({
    tls: { certFile: certs.serverCert, keyFile: certs.serverKey },
    sasl: { mechanisms: ['scram-sha-512', 'plain'], users: { loader: 'l0ad-pw' } },
    acls: ['allow User:loader all topic *', 'allow User:loader all group *'],
  });
});
test.after(async () => {
  await broker?.close();
  certs?.cleanup();
});

const scenario = (topic: string, client: 'kafkajs' | 'platformatic', services: Record<string, string>) => ({
  name: 'kafka-sasl-ssl',
  target: { type: 'kafka' as const, produce: { topic, generator: 'transactions' as const, partitions: 2, client } },
  executors: { main: { executor: 'per-vu-iterations' as const, vus: 2, iterations: 20 } },
  services: { kafka: broker.bootstrap.join(','), ...services },
});

for (const client of ['kafkajs', 'platformatic'] as const)
  test(`kafka target (${client}) produces over SASL_SSL with SCRAM-SHA-512`, async () => {
    if (!ok) return;
    const before = broker.stats().recordsProduced;
    const s = await runScenario(
      scenario(`sec-${client}`, client, { 'kafka-sasl': 'scram-sha-512:loader:l0ad-pw', 'kafka-ca': certs.ca }),
    );
    assert.is((s.metrics.iterations as CounterData).count, 40);
    assert.is((s.metrics.errors as RateData).passes, 0, 'no failed sends');
    assert.is(broker.stats().recordsProduced - before, 40);
    assert.is(s.services.kafka?.mode, 'external');
    assert.match(s.services.kafka?.detail ?? '', /SASL_SSL/);
  });

test('the password from a file (PLAIN); a wrong one is a 106 naming --kafka-sasl', async () => {
  if (!ok) return;
  const pw = join(certs.dir, 'pw');
  writeFileSync(pw, 'l0ad-pw\n');
  const s = await runScenario(
    scenario('sec-file', 'kafkajs', { 'kafka-sasl': 'plain:loader', 'kafka-password-file': pw, 'kafka-ca': certs.ca }),
  );
  assert.is((s.metrics.errors as RateData).passes, 0);
  const err = await runScenario(
    scenario('sec-bad', 'kafkajs', { 'kafka-sasl': 'scram-sha-512:loader:nope', 'kafka-ca': certs.ca }),
  ).then(
    () => null,
    (e: unknown) => e,
  );
  assert.instance(err, PipelabError);
  assert.is((err as PipelabError).exitCode, 106);
  assert.match((err as PipelabError).hint ?? '', /--kafka-sasl/);
  assert.match((err as PipelabError).message, /scram-sha-512 as user 'loader'/i, 'the mechanism and user named');
  assert.not.match(`${(err as PipelabError).message} ${(err as PipelabError).hint}`, /nope/);
});

test('a broker certificate the client cannot verify (system CAs only) is a 106 naming --kafka-ca', async () => {
  if (!ok) return;
  const err = await runScenario(
    scenario('sec-ca', 'kafkajs', { 'kafka-sasl': 'scram-sha-512:loader:l0ad-pw', 'kafka-tls': 'true' }),
  ).then(
    () => null,
    (e: unknown) => e,
  );
  assert.instance(err, PipelabError);
  assert.is((err as PipelabError).exitCode, 106);
  assert.match((err as PipelabError).hint ?? '', /--kafka-ca/);
});

test('client settings: flags win over env, TLS implied by a CA, bad paths and specs are 104 naming the flag', () => {
  if (!ok) return;
  const env = { PIPELAB_KAFKA_SASL: 'plain:envuser:envpw', PIPELAB_KAFKA_TLS: '1' };
  assert.equal(kafkaSecurityFrom({}, env), {
    tls: {},
    sasl: { mechanism: 'plain', username: 'envuser', password: 'envpw' },
  });
  const s = kafkaSecurityFrom({ 'kafka-sasl': 'SCRAM-SHA-256:u:p:w', 'kafka-ca': certs.ca }, env);
  assert.equal(s?.sasl, { mechanism: 'scram-sha-256', username: 'u', password: 'p:w' });
  assert.match(s?.tls?.ca ?? '', /BEGIN CERTIFICATE/);
  assert.is(kafkaSecurityFrom({}, {}), undefined);
  // a processor child inherits its parent's settings as JSON in the environment; its own flags win
  const inherited = { sasl: { mechanism: 'plain' as const, username: 'p', password: 'q' } };
  assert.equal(kafkaSecurityFrom({}, { PIPELAB_KAFKA_CLIENT_SECURITY: JSON.stringify(inherited) }), inherited);
  assert.equal(
    kafkaSecurityFrom({ 'kafka-sasl': 'plain:own:pw' }, { PIPELAB_KAFKA_CLIENT_SECURITY: JSON.stringify(inherited) })
      ?.sasl?.username,
    'own',
  );
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ 'kafka-ca': join(certs.dir, 'missing.pem') }, /--kafka-ca/],
    [{ 'kafka-sasl': 'gssapi:u:p' }, /--kafka-sasl/],
    [{ 'kafka-sasl': 'plain:u' }, /--kafka-password-file/],
    [{ 'kafka-sasl': 'plain:u', 'kafka-password-file': join(certs.dir, 'nope') }, /--kafka-password-file/],
    [{ 'kafka-password-file': join(certs.dir, 'pw') }, /--kafka-sasl/],
    [{ 'kafka-cert': certs.clientCert }, /--kafka-key/],
  ];
  for (const [o, re] of cases) {
    const e = (() => {
      try {
        kafkaSecurityFrom(o, {});
      } catch (e) {
        return e;
      }
    })();
    assert.instance(e, PipelabError, JSON.stringify(o));
    assert.is((e as PipelabError).exitCode, 104);
    assert.match(`${(e as PipelabError).message} ${(e as PipelabError).hint}`, re);
  }
});

test.run();

/**
 * The pipeline target against a SASL_SSL broker with ACLs, processors as child processes: the
 * producer, the results consumer (with either observerClient), the topic admin and the children
 * (which get the settings in their environment) all authenticate, and every event is accounted for.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startBroker, type Broker } from '../../../broker/index.ts';
import { runScenario } from '../../../harness/runner/index.ts';
import { validateScenario } from '../../../harness/scenario/index.ts';
import type { Accounting } from '../../../harness/targets/pipeline/accounting.ts';
import { haveOpenssl, makeCerts, type TestCerts } from '../../helpers/certs.ts';

const ok = haveOpenssl();
let certs: TestCerts;
let broker: Broker;
test.before(() => {
  if (ok) certs = makeCerts();
});
// a broker of its own for each run, whose stats count that run's authentications (the ids of a second run of one
// seed on one broker: test/harness/targets/rerun.test.ts)
test.before.each(async () => {
  if (!ok) return;
  broker = await startBroker({
    tls: { certFile: certs.serverCert, keyFile: certs.serverKey },
    sasl: { mechanisms: ['scram-sha-512'], users: { pipe: 'p1pe-pw' } },
    acls: ['allow User:pipe all topic *', 'allow User:pipe all group *'],
  });
});
test.after.each(async () => {
  await broker?.close();
});
test.after(() => {
  certs?.cleanup();
});

for (const observerClient of [undefined, 'platformatic'] as const)
  test(`pipeline target, child processors, SASL_SSL, observer on ${observerClient ?? 'kafkajs'}: all end`, async () => {
    if (!ok) return;
    const s = validateScenario({
      name: `pipeline-sasl-ssl-${observerClient}`,
      seed: 5,
      services: {
        kafka: broker.bootstrap.join(','),
        'kafka-sasl': 'scram-sha-512:pipe:p1pe-pw',
        'kafka-ca': certs.ca,
        'redis-mode': 'embedded',
      },
      target: {
        type: 'pipeline',
        processors: 1,
        processorMode: 'child',
        partitions: 2,
        malformedShare: 0.02,
        drainTimeout: '30s',
        observerClient,
      },
      executors: {
        main: { executor: 'constant-arrival-rate', rate: 50, duration: '2s', preAllocatedVUs: 20, maxVUs: 200 },
      },
    });
    const summary = await runScenario(s);
    const acc = summary.extra?.accounting as Accounting;
    assert.ok(acc.produced >= 80, `produced ${acc.produced}`);
    assert.is(acc.missing, 0, `missing ${acc.missing}`);
    assert.is(acc.decided + acc.deadLettered, acc.produced);
    assert.match(summary.services.kafka?.detail ?? '', /SASL_SSL/);
    // producer, admin, results consumer and the child's clients each authenticated
    assert.ok((broker.stats().requests.SaslAuthenticate ?? 0) >= 8);
  });

test.run();

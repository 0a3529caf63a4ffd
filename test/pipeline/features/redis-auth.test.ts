/**
 * The Redis feature store with an ACL user (AUTH user password) and over TLS (rediss://), against
 * a real redis-server started here with the default user off. TLS needs a redis-server built with
 * TLS (Debian's is); without one that case is skipped with a notice.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PipelabError } from '../../../errors.ts';
import { type LocalRedis, startLocalRedis } from '../../../harness/services/local-redis.ts';
import { freePort } from '../../../harness/services/ports.ts';
import { RedisFeatureStore } from '../../../pipeline/features/redis.ts';
import { EMPTY_FEATURES } from '../../../pipeline/types.ts';
import { haveOpenssl, makeCerts, type TestCerts } from '../../helpers/certs.ts';
import { haveTool } from '../../helpers/tools.ts';

const ok = haveTool('redis-server') && haveOpenssl();
/** a build without TLS refuses the tls-port directive ("Bad directive"); one with TLS complains about the files */
function redisHasTls(): boolean {
  const r = spawnSync('redis-server', ['--tls-port', '1', '--port', '0', '--tls-cert-file', '/nonexistent'], {
    encoding: 'utf8',
    timeout: 5000,
  });
  return /tls/i.test(`${r.stdout}${r.stderr}`) && !/Bad directive/i.test(`${r.stdout}${r.stderr}`);
}
const tlsBuilt = ok && redisHasTls();
let certs: TestCerts;
let server: LocalRedis | undefined;
let port = 0,
  tlsPort = 0;

test.before(async () => {
  if (!ok) return;
  certs = makeCerts();
  tlsPort = await freePort();
  const args = ['--user', 'default', 'off', '--user', 'features', 'on', '>f3at-pw', '~*', '+@all'];
  if (tlsBuilt) {
    args.push('--tls-port', String(tlsPort), '--tls-cert-file', certs.serverCert, '--tls-key-file', certs.serverKey);
    args.push('--tls-ca-cert-file', certs.ca, '--tls-auth-clients', 'no');
  } else console.log('NOTICE: redis-server without TLS support: the rediss:// case is skipped');
  // redis-server binds every listener before it answers: the TLS port is up once PING is answered
  server = await startLocalRedis({ extraArgs: args });
  port = server.port;
});
test.after(async () => {
  await server?.close();
  certs?.cleanup();
});

const feats = { ...EMPTY_FEATURES, user_transaction_count_1h: 3 };

test('AUTH with an ACL user: the store writes and reads; a wrong password is a 106', async () => {
  if (!ok) return;
  const store = await RedisFeatureStore.connect({ url: `redis://features:f3at-pw@127.0.0.1:${port}` });
  try {
    await store.putMany([{ userId: 'u1', features: feats }]);
    assert.is((await store.get('u1'))?.user_transaction_count_1h, 3);
  } finally {
    await store.close();
  }
  for (const url of [`redis://features:wrong@127.0.0.1:${port}`, `redis://127.0.0.1:${port}`]) {
    const e = await RedisFeatureStore.connect({ url }).then(
      (s) => s.close().then(() => null),
      (e: unknown) => e,
    );
    assert.instance(e, PipelabError, url);
    assert.is((e as PipelabError).exitCode, 106);
  }
});

test('rediss:// with the CA: the store works over TLS', async () => {
  if (!ok || !tlsBuilt) return;
  const store = await RedisFeatureStore.connect({
    url: `rediss://features:f3at-pw@127.0.0.1:${tlsPort}`,
    redisOptions: { tls: { ca: readFileSync(certs.ca) } },
  });
  try {
    await store.putMany([{ userId: 'u2', features: feats }]);
    assert.is((await store.get('u2'))?.user_transaction_count_1h, 3);
  } finally {
    await store.close();
  }
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  clearSecrets,
  isSecretKey,
  redactSummary,
  redactText,
  redactUrl,
  redactValue,
  registerSecret,
  registerSecretsIn,
} from '../../results/redact.ts';

test.after.each(() => clearSecrets());

test('URL userinfo: the password goes, the user stays; a lone userinfo is a token', () => {
  assert.is(redactUrl('redis://user:pa55@host:6379/0'), 'redis://user:***@host:6379/0');
  assert.is(redactUrl('redis://:pa55@host:6379'), 'redis://:***@host:6379');
  assert.is(redactUrl('rediss://alice:p%40ss@h'), 'rediss://alice:***@h');
  assert.is(redactUrl('https://ghp_TOKEN@github.com/x'), 'https://***@github.com/x');
  assert.is(redactUrl('SASL_SSL://svc:pw@b1:9093,b2:9093'), 'SASL_SSL://svc:***@b1:9093,b2:9093');
  assert.is(redactUrl('redis://127.0.0.1:6379'), 'redis://127.0.0.1:6379');
  assert.is(redactUrl('mail alice@example.com'), 'mail alice@example.com');
});

test('secret query parameters are redacted, others kept', () => {
  assert.is(
    redactUrl('http://h/x?user=a&password=p&token=t&api_key=k&page=2'),
    'http://h/x?user=a&password=***&token=***&api_key=***&page=2',
  );
  assert.is(
    redactText('cannot reach http://h:1/?access_token=abc: refused'),
    'cannot reach http://h:1/?access_token=*** refused',
  );
});

test('keys: secret names are redacted (SASL keeps mechanism and user), file paths and modes are not', () => {
  for (const k of [
    'password',
    'kafkaPassword',
    'sasl',
    'kafka-sasl',
    'token',
    'bearerToken',
    'apiKey',
    'secret',
    'auth',
  ])
    assert.ok(isSecretKey(k), k);
  for (const k of [
    'passwordFile',
    'kafka-password-file',
    'piiKeyFile',
    'redisMode',
    'user',
    'url',
    'tokenizer',
    'author',
  ])
    assert.not.ok(isSecretKey(k), k);
  const v = redactValue({
    kafka: { sasl: 'scram-sha-512:svc:pw', passwordFile: '/run/pw' },
    token: 'abc',
    n: 3,
    list: ['redis://u:p@h'],
    auth: { username: 'u', password: 'p' },
  });
  assert.equal(v, {
    kafka: { sasl: 'scram-sha-512:svc:***', passwordFile: '/run/pw' },
    token: '***',
    n: 3,
    list: ['redis://u:***@h'],
    auth: { username: 'u', password: '***' },
  });
});

test('registered secrets are replaced wherever they appear, longest first', () => {
  registerSecret('abc'); // too short: ignored
  registerSecret('hunter22');
  registerSecret('hunter22-long');
  assert.is(
    redactText('auth failed for svc with hunter22-long / hunter22 / abc'),
    'auth failed for svc with *** / *** / abc',
  );
  registerSecretsIn('--kafka-sasl', 'plain:svc:Sasl-PW-1');
  registerSecretsIn('PIPELAB_REDIS', 'redis://a:Url-PW-2@h:1');
  registerSecretsIn('--model-server', 'http://h/x?token=Tok-3');
  assert.is(redactText('Sasl-PW-1 Url-PW-2 Tok-3'), '*** *** ***');
});

test('a summary: settings and messages redacted, metrics shared', () => {
  const metrics = { m: { type: 'counter', count: 1 } };
  const s = redactSummary({
    config: { services: { redis: 'redis://u:p@h:1' } },
    services: { redis: { mode: 'external', detail: 'redis://u:p@h:1' } },
    aborted: { by: 'error', reason: 'redis://u:p@h:1 refused' },
    metrics,
  });
  assert.is(s.config.services.redis, 'redis://u:***@h:1');
  assert.is(s.services.redis.detail, 'redis://u:***@h:1');
  assert.is(s.aborted.reason, 'redis://u:***@h:1 refused');
  assert.is(s.metrics, metrics);
});

test.run();

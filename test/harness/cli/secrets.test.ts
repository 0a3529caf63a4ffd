/**
 * Secrets never leave the process: `pipelab run` on the reference pipeline with a secret in every
 * place one can be given — the --redis flag (a Redis ACL user's password in the URL, the one the
 * run really uses), PIPELAB_* variables (SASL setting, bearer token, a URL with a query token),
 * the scenario's services, description and tags — then every file the run wrote
 * (summary.json, summary.md, junit.xml, report.html, charts) and every line it printed is
 * searched for each secret. A wrong password fails with 106 and its message names the URL
 * redacted.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { startBroker } from '../../../broker/index.ts';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalRedis, startLocalRedis } from '../../../harness/services/local-redis.ts';
import { haveTool } from '../../helpers/tools.ts';

const root = new URL('../../..', import.meta.url).pathname;
const bin = join(root, 'bin', 'pipelab.js');
const tmp = mkdtempSync(join(tmpdir(), 'pipelab-secrets-'));

const S = {
  flagRedis: 'FlagRedisPw-7d1e',
  scenarioRedis: 'ScenarioRedisPw-22aa',
  envSasl: 'EnvSaslPw-9c0f',
  envToken: 'EnvBearerTok-51b7',
  envQuery: 'EnvQueryTok-0e6d',
  description: 'DescUrlPw-3f3f',
  descriptionQuery: 'DescQueryTok-aa01',
  tag: 'TagTok-61c2',
  servicePassword: 'ServiceQueryPw-8b8b',
  saslFile: 'SaslFilePw-77c3',
  serviceUrl: 'ServiceUrlPw-4d4d',
};

const REDIS_SERVER = 'redis-server';
const enabled = haveTool(REDIS_SERVER);
let port = 0;
let redis: LocalRedis | undefined;

test.before(async () => {
  if (!enabled) return;
  // an ACL user with a password, and the default user locked out: the run must authenticate
  const acl = ['--user', 'default', 'off', '--user', 'alice', 'on', `>${S.flagRedis}`, '~*', '&*', '+@all'];
  redis = await startLocalRedis({ extraArgs: acl });
  port = redis.port;
});

test.after(async () => {
  await redis?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const scenarioFile = join(tmp, 'secrets.ts');
writeFileSync(
  scenarioFile,
  `export default {
  name: 'secrets',
  description: 'wiki https://ops:${S.description}@wiki.example/run?token=${S.descriptionQuery}',
  seed: 3,
  tags: { apiToken: '${S.tag}' },
  services: {
    redis: 'redis://bob:${S.scenarioRedis}@127.0.0.1:1',
    webhook: 'http://svc:${S.serviceUrl}@127.0.0.1:1/hook?password=${S.servicePassword}',
  },
  target: {
    type: 'pipeline',
    processors: 1,
    malformedShare: 0.05,
    drainTimeout: '10s',
  },
  executors: {
    main: { executor: 'constant-arrival-rate', rate: 40, timeUnit: '1s', duration: '2s', preAllocatedVUs: 10 },
  },
  thresholds: { events_missing: ['count==0'] },
};
`,
);

const env = {
  ...process.env,
  FORCE_COLOR: '0',
  NO_COLOR: '1',
  PIPELAB_KAFKA_SASL: `scram-sha-512:svc:${S.envSasl}`,
  PIPELAB_MODEL_SERVER_TOKEN: S.envToken,
  PIPELAB_DEBUG_URL: `http://127.0.0.1:1/x?access_token=${S.envQuery}`,
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function assertNoSecret(where: string, text: string): void {
  for (const [name, s] of Object.entries(S)) assert.not.ok(text.includes(s), `${where} holds the ${name} secret`);
}

const run = (args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { cwd: root, env, encoding: 'utf8', timeout: 120_000 });

test('a pipeline run with secrets everywhere writes none of them to any file or console line', () => {
  if (!enabled) return;
  const out = join(tmp, 'report');
  const redisUrl = `redis://alice:${S.flagRedis}@127.0.0.1:${port}`;
  const r = run(['run', scenarioFile, '--redis', redisUrl, '--out', out]);
  assert.is(r.status, 0, r.stderr + r.stdout);
  assertNoSecret('stdout', r.stdout);
  assertNoSecret('stderr', r.stderr);
  const files = filesUnder(out);
  for (const f of ['summary.json', 'summary.md', 'junit.xml', 'report.html'])
    assert.ok(
      files.some((p) => p.endsWith(f)),
      f,
    );
  for (const f of files) assertNoSecret(f, readFileSync(f).toString('latin1'));

  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  // the run really used the password-protected Redis, and says which one without the password
  assert.is(s.services.redis.mode, 'external');
  assert.is(s.services.redis.detail, `redis://alice:***@127.0.0.1:${port}`);
  assert.is(s.config.services.redis, `redis://alice:***@127.0.0.1:${port}`);
  assert.is(s.config.services.webhook, 'http://svc:***@127.0.0.1:1/hook?password=***');
  assert.is(s.scenario.tags.apiToken, '***');
  assert.match(s.scenario.description, 'https://ops:***@wiki.example/run?token=***');
  assert.match(readFileSync(join(out, 'summary.md'), 'utf8'), `redis://alice:***@127.0.0.1:${port}`);
});

test('a wrong Redis password fails with 106 and the message names the URL without it', () => {
  if (!enabled) return;
  const wrong = 'WrongRedisPw-1234';
  const r = run(['run', scenarioFile, '--redis', `redis://alice:${wrong}@127.0.0.1:${port}`, '--no-report']);
  assert.is(r.status, 106, r.stderr + r.stdout);
  assert.match(r.stderr, `redis://alice:***@127.0.0.1:${port}`);
  assert.not.ok((r.stderr + r.stdout).includes(wrong), r.stderr);
  assertNoSecret('stderr', r.stderr);
});

test('against a SASL broker: the password from --kafka-password-file is used and written nowhere', async () => {
  if (!enabled) return;
  const broker = await startBroker({
    minSessionTimeoutMs: 100,
    sasl: { mechanisms: ['scram-sha-512'], users: { svc: S.saslFile } },
  });
  const pwFile = join(tmp, 'kafka.pw');
  writeFileSync(pwFile, `${S.saslFile}\n`);
  const out = join(tmp, 'report-sasl');
  const args = [
    ...['run', scenarioFile, '--kafka', broker.bootstrap.join(',')],
    ...['--kafka-sasl', 'scram-sha-512:svc', '--kafka-password-file', pwFile],
    ...['--redis', `redis://alice:${S.flagRedis}@127.0.0.1:${port}`, '--out', out],
  ];
  const { PIPELAB_KAFKA_SASL: _drop, ...rest } = env;
  // async: the broker answers from this process's event loop
  const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const ch = spawn(process.execPath, [bin, ...args], { cwd: root, env: rest });
    let stdout = '';
    let stderr = '';
    ch.stdout.on('data', (d) => (stdout += d));
    ch.stderr.on('data', (d) => (stderr += d));
    ch.on('close', (status) => resolve({ status, stdout, stderr }));
  });
  await broker.close();
  assert.is(r.status, 0, r.stderr + r.stdout);
  assertNoSecret('stdout', r.stdout);
  assertNoSecret('stderr', r.stderr);
  for (const f of filesUnder(out)) assertNoSecret(f, readFileSync(f).toString('latin1'));
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.is(s.services.kafka.mode, 'external');
});

test.run();

/**
 * target.pii end to end through `pipelab run`: the harness seals each transaction's PII (card,
 * e-mail, IP, device, country) under its user's data key at the source, child processors
 * (`pipelab process --pii-key-file`) decrypt it and seal the PII of dead letters again; the
 * report's dead-letter samples show them masked in summary.json, summary.md and report.html, and
 * no generated device id appears in any report file; a missing key is bad input (104) before anything runs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../..', import.meta.url).pathname;
const bin = join(root, 'bin', 'pipelab.js');
const tmp = mkdtempSync(join(tmpdir(), 'pipelab-pii-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const keyFile = join(tmp, 'pii.key');
writeFileSync(keyFile, `old ${'33'.repeat(32)}\nk7 ${'44'.repeat(32)}\n`);

const scenario = (pii: string) => `export default {
  name: 'pii',
  seed: 5,
  target: { type: 'pipeline', processors: 1, processorMode: 'child', malformedShare: 0.2, drainTimeout: '10s',
    ${pii} },
  executors: {
    main: { executor: 'constant-arrival-rate', rate: 30, timeUnit: '1s', duration: '2s', preAllocatedVUs: 10 },
  },
  thresholds: { events_missing: ['count==0'] },
};
`;

const env = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', PIPELAB_REDIS_MODE: 'embedded' };
const run = (args: string[], e: NodeJS.ProcessEnv = env) =>
  spawnSync(process.execPath, [bin, ...args], { cwd: root, env: e, encoding: 'utf8', timeout: 180_000 });

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

test('child processors encrypt dead letters; the report shows masked samples and no device id', () => {
  const file = join(tmp, 'pii.ts');
  writeFileSync(file, scenario(`pii: { keyFile: ${JSON.stringify(keyFile)} }`));
  const out = join(tmp, 'report');
  const r = run(['run', file, '--out', out]);
  assert.is(r.status, 0, r.stderr + r.stdout);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  const pii = s.extra.pii;
  assert.is(pii.keyId, 'k7', "the master key that wraps the users' data keys");
  assert.equal(pii.fields, ['deviceId', 'country', 'cardNumber', 'email', 'ipAddress']);
  assert.is(pii.audit, true);
  assert.ok(pii.deadLetterSamples.length > 0, 'samples');
  for (const x of pii.deadLetterSamples) {
    assert.match(x.keyId, /^dek-[0-9a-f]{12}$/, "sealed under the user's data key");
    const v = x.value as Record<string, unknown>;
    const shown = JSON.stringify(v);
    const enc = `[encrypted ${x.keyId}]`;
    // every sample's PII (field by field, or the whole malformed value) is shown as encrypted, never as text
    assert.ok(v.deviceId === enc || v['*'] === enc, shown);
    for (const f of ['country', 'cardNumber', 'email', 'ipAddress']) if (f in v) assert.is(v[f], enc, f);
  }
  assert.match(readFileSync(join(out, 'summary.md'), 'utf8'), '## PII protection');
  assert.match(readFileSync(join(out, 'report.html'), 'utf8'), '[encrypted dek-');
  // device ids of the generated users look like d<base36>: none is in any report file
  for (const f of filesUnder(out)) {
    const text = readFileSync(f).toString('latin1');
    assert.not.match(text, /"deviceId":\s*"d[0-9a-z]/, f);
    assert.not.match(text, /400000\d{10}|@example\.(com|org|net)|@mail\.example/, `${f}: card or e-mail`);
  }
});

test('target.pii without a key is bad input, named, before anything runs', () => {
  const file = join(tmp, 'nokey.ts');
  writeFileSync(file, scenario('pii: {}'));
  const e: NodeJS.ProcessEnv = { ...env };
  delete e.PIPELAB_PII_KEY;
  const r = run(['run', file, '--no-report'], e);
  assert.is(r.status, 104, r.stderr + r.stdout);
  assert.match(r.stderr, 'target.pii needs a key');
});

test.run();

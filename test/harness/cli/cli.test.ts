/**
 * The CLI end to end: spawns `node bin/pipelab.js` as a user would, on tiny scenario files in
 * test/fixtures/scenarios/ (each run lasts a second or two against an in-process target).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../..', import.meta.url).pathname;
const bin = join(root, 'bin', 'pipelab.js');
const fixture = (name: string) => join(root, 'test', 'fixtures', 'scenarios', name);
const tmp = mkdtempSync(join(tmpdir(), 'pipelab-cli-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const env = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' };
function cli(args: string[], timeout = 60_000) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, env, encoding: 'utf8', timeout });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const REPORT_FILES = [
  'summary.json',
  'summary.md',
  'junit.xml',
  'report.html',
  'charts/latency-percentiles.svg',
  'charts/latency-percentiles.png',
  'charts/latency-histogram.png',
  'charts/throughput.png',
  'charts/errors.png',
];
const noStack = (s: string) => assert.not.match(s, /\n\s+at .+:\d+:\d+/, 'no stack trace');

test('validate prints the resolved plan of a good scenario and exits 0', () => {
  const r = cli(['validate', fixture('ok.ts')]);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, 'cli-ok');
  assert.match(r.out, 'steady');
  assert.match(r.out, 'constant-arrival-rate');
  assert.match(r.out, /expected iterations\D+75\b/);
  assert.match(r.out, 'p(99)<2000');
});

test('validate applies the flags to the plan', () => {
  const r = cli(['validate', fixture('ok.ts'), '--duration', '4s', '--rate', '10']);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /expected iterations\D+40\b/);
});

test('validate of a bad scenario exits 104 naming every bad field, without a stack trace', () => {
  const r = cli(['validate', fixture('bad.ts')]);
  assert.is(r.code, 104, r.out + r.err);
  for (const field of [
    '/name',
    '/target/ms',
    '/executors/steady/rate',
    '/executors/steady/duration',
    '/executors/other',
  ])
    assert.match(r.err, field);
  assert.match(r.err, 'constant-arrival-rate', 'the unknown executor error lists the known ones');
  noStack(r.err);
});

test('validate of several files prints each plan in turn and stops at the first invalid one', () => {
  const r = cli(['validate', fixture('ok.ts'), fixture('ok.ts'), fixture('bad.ts'), fixture('nope.ts')]);
  assert.is(r.code, 104, r.out + r.err);
  assert.is(r.out.split(/^scenario cli-ok is valid/m).length, 3, r.out);
  assert.match(r.out, /[^\n]\n\nscenario cli-ok/, 'a blank line between plans');
  assert.match(r.err, '/executors/steady/rate');
  assert.not.match(r.err, 'nope.ts', 'nothing checked after the invalid file');
  noStack(r.err);
});

test('a missing scenario file exits 104 with a clear message', () => {
  const r = cli(['validate', fixture('nope.ts')]);
  assert.is(r.code, 104);
  assert.match(r.err, 'nope.ts');
  noStack(r.err);
});

test('bad flags exit 104 naming the flag and the accepted form', () => {
  const r = cli(['run', fixture('ok.ts'), '--duration', 'abc', '--rate', '-1', '--seed', '-3']);
  assert.is(r.code, 104, r.out + r.err);
  assert.match(r.err, '--duration');
  assert.match(r.err, '30s');
  assert.match(r.err, '--rate');
  assert.match(r.err, 'positive number');
  assert.match(r.err, '--seed');
  noStack(r.err);
  assert.not.match(r.out, 'THRESHOLDS', 'nothing ran');
});

test('run of a tiny scenario writes every report file, prints the summary and exits 0', () => {
  const out = join(tmp, 'ok');
  const r = cli(['run', fixture('ok.ts'), '--out', out]);
  assert.is(r.code, 0, r.out + r.err);
  for (const f of REPORT_FILES) assert.ok(existsSync(join(out, f)), `${f} written`);
  assert.match(r.out, 'THRESHOLDS');
  assert.match(r.out, "✓ 'p(99)<2000'");
  assert.match(r.out, `report: ${out}`);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.is(s.scenario.name, 'cli-ok');
  assert.is(s.seed, 3);
  assert.ok(s.metrics.latency.count > 0);
  // not a TTY: progress is plain lines on stderr, never carriage returns
  assert.not.match(r.err, '\r');
});

test('--seed, --quiet and --no-report are honoured', () => {
  const out = join(tmp, 'noreport');
  const r = cli([
    'run',
    fixture('ok.ts'),
    '--out',
    out,
    '--seed',
    '99',
    '--quiet',
    '--no-report',
    '--duration',
    '500ms',
  ]);
  assert.is(r.code, 0, r.err);
  assert.not.ok(existsSync(out));
  assert.not.match(r.err, 'progress');
  assert.match(r.out, 'seed: 99');
});

test('a failing threshold exits 99 and the report marks it', () => {
  const out = join(tmp, 'fail');
  const r = cli(['run', fixture('fail-threshold.ts'), '--out', out, '--quiet']);
  assert.is(r.code, 99, r.out + r.err);
  assert.match(r.out, "✗ 'p(99)<0.001'");
  assert.match(readFileSync(join(out, 'junit.xml'), 'utf8'), '<failure');
});

test('an abortOnFail threshold stops the run early with exit 108', () => {
  const out = join(tmp, 'abort');
  const r = cli(['run', fixture('abort.ts'), '--out', out, '--quiet']);
  assert.is(r.code, 108, r.out + r.err);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.is(s.aborted.by, 'threshold');
  assert.ok(s.durationMs < 30_000, 'the run ended before its planned 30 s');
  assert.ok(
    s.thresholds.some((t: { abortedAtMs?: number }) => t.abortedAtMs !== undefined),
    'the aborting threshold is marked',
  );
});

/** start a run in the background; resolves once `marker` appears on stderr */
function background(args: string[]) {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const io = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (io.stdout += d));
  child.stderr.on('data', (d) => (io.stderr += d));
  const waitFor = (marker: string) =>
    new Promise<void>((resolve, reject) => {
      if (io.stderr.includes(marker)) return resolve();
      const t = setTimeout(() => reject(new Error(`"${marker}" not seen within 30 s:\n${io.stderr}`)), 30_000);
      child.stderr.on('data', () => {
        if (io.stderr.includes(marker)) {
          clearTimeout(t);
          resolve();
        }
      });
    });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, io, waitFor, exited };
}

test('Ctrl-C (SIGINT) stops the run cleanly, still writes the report and exits 105', async () => {
  const out = join(tmp, 'sigint');
  const run = background(['run', fixture('long.ts'), '--out', out]);
  await run.waitFor('progress'); // the run is under way
  run.child.kill('SIGINT');
  const code = await run.exited;
  assert.is(code, 105, run.io.stdout + run.io.stderr);
  assert.match(run.io.stderr, 'stopping');
  for (const f of REPORT_FILES) assert.ok(existsSync(join(out, f)), `${f} written`);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.is(s.aborted.by, 'signal');
  assert.ok(s.durationMs < 30_000);
  assert.match(run.io.stdout, 'aborted by signal');
});

test('a second Ctrl-C quits at once with exit 105, without waiting for in-flight iterations', async () => {
  const out = join(tmp, 'sigint2');
  const run = background(['run', fixture('slow.ts'), '--out', out]);
  await run.waitFor('progress');
  run.child.kill('SIGINT');
  await run.waitFor('stopping'); // now waiting up to 3 s for in-flight iterations
  run.child.kill('SIGINT');
  const code = await run.exited;
  assert.is(code, 105, run.io.stdout + run.io.stderr);
  assert.match(run.io.stderr, 'quit at once');
  assert.not.ok(existsSync(join(out, 'summary.json')), 'no report: it quit before the run ended');
});

test.run();

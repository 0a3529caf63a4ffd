/**
 * `pipelab export k6` end to end: spawns the CLI as a user would.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../../..', import.meta.url).pathname;
const bin = join(root, 'bin', 'pipelab.js');
const tmp = mkdtempSync(join(tmpdir(), 'pipelab-export-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const noStack = (s: string) => assert.not.match(s, /\n\s+at .+:\d+:\d+/, 'no stack trace');

test('export k6 prints a JavaScript k6 script on stdout', () => {
  const r = cli(['export', 'k6', 'scenarios/http-example.ts']);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, "import http from 'k6/http';");
  assert.match(r.out, 'executor: "ramping-arrival-rate"');
  assert.match(r.out, 'http_req_duration: ["p(95)<200", "p(99)<500"]');
  assert.not.match(r.out, 'import type');
});

test('export k6 --ts --out writes the TypeScript and its bundle', () => {
  const out = join(tmp, 'k6', 'example.js');
  const r = cli(['export', 'k6', 'scenarios/http-example.ts', '--ts', '--out', out]);
  assert.is(r.code, 0, r.err);
  assert.match(readFileSync(join(tmp, 'k6', 'example.ts'), 'utf8'), "import type { Options } from 'k6/options';");
  const js = readFileSync(out, 'utf8');
  assert.match(js, /^\/\/ Bundled by esbuild/);
  assert.match(js, /export \{[\s\S]*options/);
  assert.match(r.err, 'wrote ');
});

test('export k6 --ts without --out writes <name>.k6.ts and .k6.js in the current directory', () => {
  const r = cli(['export', 'k6', join(root, 'scenarios', 'http-example.ts'), '--ts'], tmp);
  assert.is(r.code, 0, r.err);
  assert.ok(existsSync(join(tmp, 'http-example.k6.ts')) && existsSync(join(tmp, 'http-example.k6.js')));
});

test('dropped thresholds are warned about on stderr, and overrides apply', () => {
  const r = cli(['export', 'k6', 'test/fixtures/scenarios/k6-rich.ts', '--duration', '2m', '--rate', '2']);
  assert.is(r.code, 0, r.err);
  assert.match(r.err, /warning: \/thresholds\/latency\/1 .*in every 10s window/);
  assert.match(r.out, /steady: \{\s+executor: "constant-arrival-rate",\s+rate: 2,\s+timeUnit: "1s",\s+duration: "2m"/);
});

test('a scenario with a non-http target exits 104 naming the target type, without a stack trace', () => {
  const r = cli(['export', 'k6', 'scenarios/quickstart.ts']);
  assert.is(r.code, 104, r.out + r.err);
  assert.match(r.err, '"function" target: only http targets can be exported to k6');
  assert.is(r.out, '');
  noStack(r.err);
});

test('export k6 --help has examples; an unknown format is rejected with 104', () => {
  const h = cli(['export', 'k6', '--help']);
  assert.is(h.code, 0);
  assert.match(h.out, 'Examples:');
  assert.match(h.out, 'pipelab export k6 scenarios/');
  assert.is(cli(['export', 'jmeter', 'scenarios/http-example.ts']).code, 104);
});

test.run();

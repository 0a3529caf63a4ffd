/**
 * Walks the CLI through the mistakes users make — missing and broken files, unknown names and
 * versions, bad flags and numbers, bad addresses and URLs, unwritable output paths — and checks
 * each ends with a clear PipelabError: the documented exit code, a message naming the bad input,
 * no stack trace and never "internal error".
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'pipelab-bad-input-'));
const aFile = join(tmp, 'a-file');
writeFileSync(aFile, 'not a folder\n');
writeFileSync(join(tmp, 'syntax.ts'), 'export default {\n');
writeFileSync(join(tmp, 'no-default.ts'), 'export const x = 1;\n');
writeFileSync(join(tmp, 'bad.json'), '{ "not json');
// a scenario whose A/B routes name a model version the model server does not have
writeFileSync(
  join(tmp, 'unknown-version.ts'),
  `export default {
  name: 'unknown-version',
  target: { type: 'pipeline', processors: 1, routes: 'v1=50,v9=50' },
  executors: {
    main: { executor: 'constant-arrival-rate', rate: 10, timeUnit: '1s', duration: '1s', preAllocatedVUs: 2 },
  },
};
`,
);
test.after(() => rmSync(tmp, { recursive: true, force: true }));

interface Case {
  args: string[];
  /** exit code: 104 bad input, 106 a service could not be reached */
  code: number;
  /** what the error output must name */
  names: RegExp;
}

const Q = 'scenarios/quickstart.ts';
const CASES: Case[] = [
  // files
  { args: ['run', '/nonexistent/s.ts'], code: 104, names: /\/nonexistent\/s\.ts/ },
  { args: ['run', join(tmp, 'syntax.ts')], code: 104, names: /syntax\.ts/ },
  { args: ['run', join(tmp, 'no-default.ts')], code: 104, names: /no-default\.ts/ },
  { args: ['run', 'test/fixtures/scenarios/bad.ts'], code: 104, names: /invalid/ },
  { args: ['validate', '/nonexistent/s.ts'], code: 104, names: /\/nonexistent\/s\.ts/ },
  { args: ['export', 'k6', '/nonexistent/s.ts'], code: 104, names: /\/nonexistent\/s\.ts/ },
  { args: ['export', 'k6', 'scenarios/smoke.ts'], code: 104, names: /only http targets/ },
  { args: ['compare', '/nonexistent/a.json', '/nonexistent/b.json'], code: 104, names: /\/nonexistent\/a\.json/ },
  { args: ['compare', 'test/fixtures/summary.json'], code: 104, names: /at least two runs/ },
  { args: ['calibrate', '/nonexistent/run'], code: 104, names: /\/nonexistent\/run/ },
  { args: ['drift', 'compare', '/nonexistent/x.csv', '/nonexistent/y.csv'], code: 104, names: /\/nonexistent\/x\.csv/ },
  { args: ['drift', 'evaluate', '/nonexistent/c.json'], code: 104, names: /\/nonexistent\/c\.json/ },
  { args: ['drift', 'evaluate', join(tmp, 'bad.json')], code: 104, names: /bad\.json/ },
  { args: ['generate', 'transactions', '--config', join(tmp, 'bad.json')], code: 104, names: /--config/ },
  // unknown names and versions
  { args: ['nosuchcommand'], code: 104, names: /unknown command 'nosuchcommand'/ },
  { args: ['generate', 'nosuch'], code: 104, names: /unknown generator 'nosuch'/ },
  { args: ['serve-model', '--routes', 'v999=100', '--port', '0'], code: 104, names: /v999/ },
  {
    args: ['serve-model', '--models', '/nonexistent/models', '--port', '0'],
    code: 104,
    names: /\/nonexistent\/models/,
  },
  { args: ['model', 'train', 'bad/version'], code: 104, names: /bad\/version/ },
  { args: ['run', join(tmp, 'unknown-version.ts'), '--out', join(tmp, 'uv')], code: 104, names: /version "v9"/ },
  { args: ['run', Q, '--kafka-mode', 'nosuch'], code: 104, names: /--kafka-mode/ },
  // flags and numbers
  { args: ['run', Q, '--bogus-flag'], code: 104, names: /--bogus-flag/ },
  { args: ['run'], code: 104, names: /scenario/ },
  { args: ['run', Q, '--duration', 'abc'], code: 104, names: /--duration/ },
  { args: ['run', Q, '--rate', '-5'], code: 104, names: /--rate/ },
  { args: ['generate', 'transactions', '--count', 'abc'], code: 104, names: /--count/ },
  { args: ['generate', 'transactions', '--rate', 'x'], code: 104, names: /--rate/ },
  { args: ['generate', 'transactions', '--start', 'yesterday'], code: 104, names: /--start/ },
  { args: ['sim', 'queue', '--model', 'mm1', '--lambda', 'abc', '--mu', '1'], code: 104, names: /--lambda/ },
  { args: ['model', 'train', 'v1', '--epochs', 'x'], code: 104, names: /--epochs/ },
  { args: ['serve-model', '--port', 'abc'], code: 104, names: /--port/ },
  { args: ['broker', '--port', '70000'], code: 104, names: /--port/ },
  { args: ['compare', 'a', 'b', '--slo-p99', '0'], code: 104, names: /--slo-p99/ },
  { args: ['process', '--instances', '0'], code: 104, names: /--instances/ },
  { args: ['process', '--fetch-min-bytes', '0'], code: 104, names: /--fetch-min-bytes/ },
  { args: ['process', '--fetch-max-wait', '2.5'], code: 104, names: /--fetch-max-wait/ },
  // addresses and URLs
  { args: ['run', 'scenarios/smoke.ts', '--kafka', 'not-a-host:port'], code: 104, names: /not-a-host:port/ },
  { args: ['process', '--kafka', 'bad:://'], code: 104, names: /bad::\/\// },
  {
    args: ['run', 'scenarios/smoke.ts', '--redis', 'redis://127.0.0.1:1', '--duration', '1s'],
    code: 106,
    names: /127\.0\.0\.1:1/,
  },
  // output paths that cannot be written (checked before any load starts)
  { args: ['run', Q, '--out', join(aFile, 'out')], code: 104, names: /--out .*a-file\/out/ },
  { args: ['model', 'train', 'v1', '--out', join(aFile, 'models')], code: 104, names: /--out .*a-file\/models/ },
  { args: ['generate', 'transactions', '--count', '1', '--out', join(aFile, 'x.jsonl')], code: 104, names: /--out/ },
  { args: ['export', 'k6', 'scenarios/http-example.ts', '--out', join(aFile, 'k6.js')], code: 104, names: /--out/ },
];

// the service addresses come from the flags of each case, never from this machine's environment
const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0' };
for (const k of Object.keys(env)) if (k.startsWith('PIPELAB_')) delete env[k];

function pipelab(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'pipelab.js'), ...args], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

test(`${CASES.length} bad inputs: each a clear error, no stack trace, no "internal error"`, async () => {
  const results: { c: Case; code: number | null; out: string }[] = [];
  const queue = [...CASES];
  await Promise.all(
    [0, 1].map(async () => {
      for (let c = queue.shift(); c; c = queue.shift()) results.push({ c, ...(await pipelab(c.args)) });
    }),
  );
  const problems: string[] = [];
  for (const { c, code, out } of results) {
    const cmd = `pipelab ${c.args.join(' ')}`;
    if (/internal error/.test(out)) problems.push(`${cmd}: says "internal error"\n${out}`);
    if (/^\s+at .+[:(]/m.test(out)) problems.push(`${cmd}: prints a stack trace\n${out}`);
    if (code !== c.code) problems.push(`${cmd}: exit ${code}, expected ${c.code}\n${out}`);
    if (!c.names.test(out)) problems.push(`${cmd}: the error does not name ${c.names}\n${out}`);
  }
  assert.is(problems.length, 0, problems.join('\n\n'));
});

test.run();

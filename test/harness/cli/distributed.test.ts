/**
 * Many processes, one scenario: two `pipelab run --execution-segment` processes against one server,
 * merged with `pipelab merge`, give the totals of one run; `--workers 2` does the same in one
 * command; and the merge refuses what is not one scenario's segments (exit 104, nothing written).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CounterData, RunSummary, TrendData } from '../../../results/types.ts';

const root = new URL('../../..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'pipelab-distributed-'));
let server: Server;
let hits = 0;

function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(root, 'bin/pipelab.js'), ...args], { cwd: tmp });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

const summary = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;
const count = (s: RunSummary, m: string) => (s.metrics[m] as CounterData | TrendData | undefined)?.count ?? 0;

test.before(async () => {
  server = createServer((req, res) => {
    hits++;
    res.writeHead(req.url === '/503' ? 503 : 200).end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  // maxVUs covers every iteration: none is dropped however slow a busy machine makes the server
  const scenario = (name: string, extra = '') => `export default {
  name: '${name}',
  target: { type: 'http', url: '${url}' },
  executors: {
    open: { executor: 'constant-arrival-rate', rate: 200, duration: '1s', preAllocatedVUs: 20, maxVUs: 200 },
    closed: { executor: 'per-vu-iterations', vus: 6, iterations: 10 },
  },
  thresholds: { iterations: ['count==260'], latency: ['p(99)<10000'] },${extra}
};
`;
  writeFileSync(join(tmp, 'share.ts'), scenario('share'));
  writeFileSync(join(tmp, 'other.ts'), scenario('other'));
});
test.after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

test('two segment processes against one server, merged, give the totals of one run', async () => {
  const seq = ['--execution-segment-sequence', '0,1/2,1', '-q'];
  const one = await cli(['run', 'share.ts', '-q', '-o', 'one']);
  assert.is(one.code, 0, one.err);
  const before = hits;
  const [a, b] = await Promise.all([
    cli(['run', 'share.ts', '--execution-segment', '0:1/2', ...seq, '-o', 'a']),
    cli(['run', 'share.ts', '--execution-segment', '1/2:1', ...seq, '-o', 'b']),
  ]);
  assert.is(a.code, 99, 'a half fails count==260 on its own'); // each half ran 130
  assert.is(b.code, 99);
  assert.is(hits - before, 260, 'the two halves sent exactly what one run sends');
  assert.equal(summary(join(tmp, 'a')).executionSegment, { segment: '0:1/2', sequence: '0,1/2,1' });
  assert.is(count(summary(join(tmp, 'a')), 'iterations'), 130);

  const m = await cli(['merge', 'a', 'b', '--out', 'merged']);
  assert.is(m.code, 0, m.err + m.out);
  const merged = summary(join(tmp, 'merged'));
  const single = summary(join(tmp, 'one'));
  assert.is(count(merged, 'iterations'), count(single, 'iterations'));
  assert.is(count(merged, 'latency'), 260);
  assert.equal(
    merged.executors.map((e) => [e.name, e.scheduled, e.completed]),
    single.executors.map((e) => [e.name, e.scheduled, e.completed]),
  );
  assert.ok(merged.thresholds.every((t) => t.ok));
  assert.is(merged.executionSegment, undefined, 'the whole scenario');
  assert.equal(
    merged.merged?.map((r) => r.segment),
    ['0:1/2', '1/2:1'],
  );
  assert.ok(existsSync(join(tmp, 'merged', 'report.html')));
});

test('--workers 2: two processes, one merged summary with one run’s totals', async () => {
  const before = hits;
  const r = await cli(['run', 'share.ts', '--workers', '2', '-o', 'workers']);
  assert.is(r.code, 0, r.err);
  assert.is(hits - before, 260);
  const s = summary(join(tmp, 'workers'));
  assert.is(count(s, 'iterations'), 260);
  assert.is(s.merged?.length, 2);
  assert.match(r.err, /running share on 2 workers/);
});

test('bad input: nothing run or written, exit 104, the fix named', async () => {
  const cases: [string[], RegExp, string?][] = [
    [['run', 'share.ts', '--workers', '0', '-o', 'w0'], /--workers "0": expected a whole number ≥ 1/, 'w0'],
    [['run', 'share.ts', '--execution-segment', '1/2:1/4', '-o', 's0'], /start must be below its end/, 's0'],
    [['run', 'share.ts', '--execution-segment-sequence', '0,1/2,1', '-o', 's1'], /needs --execution-segment/, 's1'],
    [['run', 'share.ts', '--workers', '2', '--execution-segment', '0:1/2'], /--workers and --execution-segment/],
    [['merge', 'a', 'a', '--out', 'm1'], /segments overlap/, 'm1'],
    [['merge', 'a', 'one', '--out', 'm2'], /ran the whole scenario/, 'm2'],
  ];
  const hitsBefore = hits;
  // two at a time, as bad-input.test.ts runs its cases: each a process that fails before any load
  const results: Array<[string[], RegExp, string | undefined, { code: number; err: string }]> = [];
  const queue = [...cases];
  await Promise.all(
    [0, 1].map(async () => {
      for (let c = queue.shift(); c; c = queue.shift()) results.push([c[0], c[1], c[2], await cli(c[0])]);
    }),
  );
  for (const [args, re, out, r] of results) {
    assert.is(r.code, 104, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, re);
    assert.not.match(r.err, /\n\s+at /, 'no stack trace');
    if (out) assert.not.ok(existsSync(join(tmp, out)), `${out} written`);
  }
  assert.is(hits, hitsBefore, 'no load was sent');
});

test('merge refuses runs of a different scenario or another seed', async () => {
  const seq = ['--execution-segment-sequence', '0,1/2,1', '-q'];
  // side by side, as the two halves above: two runs of a second of load each, mostly waiting on its schedule
  const [other, seeded] = await Promise.all([
    cli(['run', 'other.ts', '--execution-segment', '1/2:1', ...seq, '-o', 'o']),
    cli(['run', 'share.ts', '--execution-segment', '1/2:1', ...seq, '--seed', '9', '-o', 's9']),
  ]);
  assert.is(other.code, 99);
  assert.is(seeded.code, 99);
  const refusals = [
    ['o', /ran a different scenario/],
    ['s9', /mixed seeds/],
  ] as const;
  const merges = await Promise.all(refusals.map(([dir]) => cli(['merge', 'a', dir, '--out', `bad-${dir}`])));
  for (const [i, [dir, re]] of refusals.entries()) {
    const r = merges[i]!;
    assert.is(r.code, 104, r.err);
    assert.match(r.err, re);
    assert.not.ok(existsSync(join(tmp, `bad-${dir}`)));
  }
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../../../generators/rng.ts';

const root = new URL('../../../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'pipelab-drift-cli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/pipelab.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const rng = new Rng(11);
const rows = (n: number, shift: number): string =>
  'amount,country\n' +
  Array.from({ length: n }, () => `${rng.normal(50 + shift, 10).toFixed(3)},${rng.pick(['FR', 'DE', 'US'])}`).join(
    '\n',
  ) +
  '\n';
writeFileSync(join(dir, 'ref.csv'), rows(500, 0));
writeFileSync(join(dir, 'cur.csv'), rows(400, 15));
writeFileSync(
  join(dir, 'cur.jsonl'),
  `${readFileSync(join(dir, 'cur.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const [a, c] = l.split(',');
      return JSON.stringify({ amount: Number(a), country: c });
    })
    .join('\n')}\n`,
);

test('compare prints a per-column table and the dataset verdict', () => {
  const r = cli('drift', 'compare', join(dir, 'ref.csv'), join(dir, 'cur.csv'));
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /amount\s+numeric\s+K-S p-value/);
  assert.match(r.out, /country\s+categorical\s+chi-square/);
  assert.match(r.out, /dataset drift: (YES|no)/);
});

test('compare --json is stable JSON; CSV and JSON lines give the same numbers', () => {
  const a = JSON.parse(cli('drift', 'compare', join(dir, 'ref.csv'), join(dir, 'cur.csv'), '--json').out);
  const b = JSON.parse(cli('drift', 'compare', join(dir, 'ref.csv'), join(dir, 'cur.jsonl'), '--json').out);
  assert.equal(Object.keys(a), ['reference', 'current', 'method', 'columns', 'dataset']);
  assert.equal(Object.keys(a.columns[0]), [
    'column',
    'kind',
    'method',
    'statistic',
    'pvalue',
    'threshold',
    'drift',
    'detail',
  ]);
  assert.equal(a.columns, b.columns);
  assert.is(a.columns[0].drift, true);
});

test('compare --method psi --columns amount uses PSI on that column only', () => {
  const r = JSON.parse(
    cli(
      'drift',
      'compare',
      join(dir, 'ref.csv'),
      join(dir, 'cur.csv'),
      '--method',
      'psi',
      '--columns',
      'amount',
      '--json',
    ).out,
  );
  assert.is(r.columns.length, 1);
  assert.is(r.columns[0].method, 'psi');
  assert.is(r.columns[0].pvalue, null);
  assert.is(r.columns[0].detail.binning, 'sturges');
});

test('a missing file, an unknown column or a bad method is a user error naming it, with a hint', () => {
  const missing = cli('drift', 'compare', join(dir, 'ref.csv'), join(dir, 'nope.csv'));
  assert.is(missing.code, 104);
  assert.match(missing.err, /nope\.csv/);
  assert.match(missing.err, /hint:/);
  const col = cli('drift', 'compare', join(dir, 'ref.csv'), join(dir, 'cur.csv'), '--columns', 'zip');
  assert.is(col.code, 104);
  assert.match(col.err, /no column 'zip'/);
  const m = cli('drift', 'compare', join(dir, 'ref.csv'), join(dir, 'cur.csv'), '--method', 'magic');
  assert.is(m.code, 104);
  const cat = cli('drift', 'compare', join(dir, 'ref.csv'), join(dir, 'cur.csv'), '--method', 'ks');
  assert.is(cat.code, 104);
  assert.match(cat.err, /country/);
  assert.not.match(cat.err, /at .*\.(ts|mjs):/);
});

test('evaluate prints the comparison table and can write the chart spec', () => {
  const chart = join(dir, 'chart.json');
  const r = cli('drift', 'evaluate', join(root, 'test/fixtures/drift/evaluate-small.json'), '--chart', chart);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /mean-shift\s+adwin/);
  assert.match(r.out, /n\/a/); // ddm on numeric values
  assert.is(JSON.parse(readFileSync(chart, 'utf8')).mark.type, 'point');
});

test('evaluate loads a .ts config (default export)', () => {
  const r = cli('drift', 'evaluate', join(root, 'test/fixtures/drift/evaluate-small.ts'), '--json');
  assert.is(r.code, 0, r.err);
  const out = JSON.parse(r.out);
  assert.is(out.results[0].stream, 'ts-config');
  assert.is(out.results[0].detected, 2);
});

test('evaluate with a bad config lists every problem with its path', () => {
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ streams: [{ type: 'numeric', n: 0 }], detectors: ['adwinn'] }));
  const r = cli('drift', 'evaluate', bad);
  assert.is(r.code, 104);
  assert.match(r.err, /\/streams\/0\/n/);
  assert.match(r.err, /\/detectors\/0/);
});

test.run();

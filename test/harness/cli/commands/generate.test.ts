import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import avro from 'avsc';
import { transactionFromJson } from '../../../../generators/serialize.ts';
import { TransactionStream } from '../../../../generators/transactions.ts';

const root = new URL('../../../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'pipelab-generate-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/pipelab.js', 'generate', ...args], {
    cwd: root,
    encoding: 'buffer',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

test('JSON lines on stdout are the library stream, and repeatable', () => {
  const a = cli('transactions', '--count', '500', '--seed', '9', '--fraud-rate', '0.05');
  assert.is(a.code, 0, a.stderr);
  const lines = a.stdout.toString().trimEnd().split('\n');
  assert.is(lines.length, 500);
  const lib = new TransactionStream({ seed: 9, fraudRate: 0.05 }).take(500);
  assert.equal(lines.map(transactionFromJson), lib);
  assert.equal(cli('transactions', '--count', '500', '--seed', '9', '--fraud-rate', '0.05').stdout, a.stdout);
  assert.not.equal(cli('transactions', '--count', '500', '--seed', '10', '--fraud-rate', '0.05').stdout, a.stdout);
});

test('an Avro container file written with --out decodes to the same events, byte-identical per seed', async () => {
  const f1 = join(dir, 'a.avro'),
    f2 = join(dir, 'b.avro');
  for (const f of [f1, f2]) assert.is(cli('user-events', '-n', '300', '-f', 'avro', '-o', f, '--seed', 'x').code, 0);
  assert.equal(readFileSync(f1), readFileSync(f2));
  const got: unknown[] = [];
  await new Promise<void>((resolve, reject) =>
    avro
      .createFileDecoder(f1)
      .on('data', (d: object) => got.push({ ...d }))
      .on('end', resolve)
      .on('error', reject),
  );
  assert.is(got.length, 300);
  const stdout = cli('user-events', '-n', '300', '--seed', 'x')
    .stdout.toString()
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(got, stdout);
});

test('a bad flag exits 104 naming the flag and the allowed values', () => {
  const r = cli('transactions', '--format', 'xml');
  assert.is(r.code, 104);
  assert.match(r.stderr, '--format');
  assert.match(r.stderr, 'json, avro');
  assert.not.match(r.stderr, '    at ');
  const c = cli('transactions', '--count', '-3');
  assert.is(c.code, 104);
  assert.match(c.stderr, '--count');
});

test('a bad field in --config exits 104 naming the field', () => {
  const r = cli('transactions', '--config', '{"users":{"zipf":-2}}');
  assert.is(r.code, 104);
  assert.match(r.stderr, '/users/zipf');
});

test('an unknown generator exits 104 listing the known ones', () => {
  const r = cli('trades');
  assert.is(r.code, 104);
  assert.match(r.stderr, "unknown generator 'trades'");
  assert.match(r.stderr, 'transactions, user-events');
});

test('--start, --arrivals constant and --rate set the event times', () => {
  const r = cli('user-events', '-n', '5', '--start', '2026-03-01T00:00:00Z', '--arrivals', 'constant', '--rate', '100');
  assert.is(r.code, 0, r.stderr);
  const times = r.stdout
    .toString()
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l).eventTime);
  const t0 = Date.parse('2026-03-01T00:00:00Z');
  assert.equal(times, [t0, t0 + 10, t0 + 20, t0 + 30, t0 + 40]);
});

test('a transactions-only flag on user-events exits 104 naming the flag', () => {
  const r = cli('user-events', '--fraud-rate', '0.1');
  assert.is(r.code, 104);
  assert.match(r.stderr, '--fraud-rate');
  assert.match(r.stderr, 'transactions generator only');
});

test('--help lists the generators and the flags', () => {
  const r = spawnSync(process.execPath, ['bin/pipelab.js', 'generate', '--help'], { cwd: root, encoding: 'utf8' });
  assert.is(r.status, 0);
  for (const s of ['transactions', 'user-events', '--count', '--format', '--fraud-rate', '--zipf'])
    assert.match(r.stdout, s);
});

// --spec: the user's own events

test('--spec FILE writes the spec stream as JSON lines: the library bytes, repeatable, seeded', async () => {
  const { compileSpec } = await import('../../../../generators/spec/compile.ts');
  const spec = JSON.parse(readFileSync(join(root, 'scenarios/specs/shop.json'), 'utf8'));
  const a = cli('--spec', 'scenarios/specs/shop.json', '-n', '400', '--seed', '5');
  assert.is(a.code, 0, a.stderr);
  const s = compileSpec(spec).create({ seed: 5 });
  let want = '';
  for (let i = 0; i < 400; i++) want += `${s.toJson(s.next())}\n`;
  assert.is(a.stdout.toString(), want);
  assert.equal(cli('--spec', 'scenarios/specs/shop.json', '-n', '400', '--seed', '5').stdout, a.stdout);
  assert.not.equal(cli('--spec', 'scenarios/specs/shop.json', '-n', '400', '--seed', '6').stdout, a.stdout);
});

test('--spec takes a TypeScript module; --truth writes each event’s ground truth', () => {
  const truth = join(dir, 'truth.jsonl');
  const r = cli('--spec', 'scenarios/specs/clicks.ts', '-n', '3000', '--truth', truth, '--rate', '100');
  assert.is(r.code, 0, r.stderr);
  const events = r.stdout.toString().trimEnd().split('\n');
  const rows = readFileSync(truth, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.is(events.length, 3000);
  assert.is(rows.length, 3000);
  const late = rows.filter((x) => x.lagMs > 0);
  assert.ok(late.length > 0 && late.every((x) => x.stream === 'clicks'));
  for (const x of late) assert.is(JSON.parse(events[x.index]!).at, x.eventTime);
  assert.match(r.stderr, `ground truth: ${late.length} late`);
});

test('a bad spec exits 104 naming each bad field by its path, nothing written', () => {
  const f = join(dir, 'bad.json');
  writeFileSync(f, JSON.stringify({ fields: { a: { type: 'normal', mean: 1 }, b: { type: 'nope' } } }));
  const out = join(dir, 'never.jsonl');
  const r = cli('--spec', f, '-o', out);
  assert.is(r.code, 104);
  assert.match(r.stderr, 'invalid event spec');
  assert.match(r.stderr, '/fields/a/sd: missing: expected a number');
  assert.match(r.stderr, '/fields/b/type: expected one of');
  assert.not.ok(existsSync(out));
  writeFileSync(f, '{ "fields": ');
  assert.is(cli('--spec', f).code, 104);
  assert.is(cli('--spec', join(dir, 'missing.json')).code, 104);
  assert.is(cli('--spec', join(dir, 'spec.yaml')).code, 104);
});

test('--spec refuses a generator name, built-in-only flags and Avro; --truth needs --spec', () => {
  const spec = 'scenarios/specs/shop.json';
  const cases: [string[], string][] = [
    [['transactions', '--spec', spec], 'not both'],
    [['--spec', spec, '--fraud-rate', '0.1'], '--fraud-rate'],
    [['--spec', spec, '--config', '{}'], '--config'],
    [['--spec', spec, '-f', 'avro'], '--format'],
    [['transactions', '--truth', join(dir, 't.jsonl')], '--truth'],
    [[], '--spec FILE'],
  ];
  for (const [args, word] of cases) {
    const r = cli(...args);
    assert.is(r.code, 104, args.join(' '));
    assert.match(r.stderr, word);
  }
});

test.run();

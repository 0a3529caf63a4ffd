import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { collect, hash, HASHES } from './net.ts';

// Seeded outputs of the CLI must stay byte-identical across refactors (see net.ts for what is
// normalised and how to re-record when a change of output is meant).
let got: ReturnType<typeof collect> = [];

test('seeded CLI outputs are byte-identical to the recorded net', () => {
  const want: Record<string, { sha256: string; bytes: number }> = JSON.parse(readFileSync(HASHES, 'utf8'));
  got = collect();
  const changed = got.filter((o) => want[o.name]?.sha256 !== hash(o.text)).map((o) => o.name);
  const missing = Object.keys(want).filter((k) => !got.some((o) => o.name === k));
  assert.equal(changed, [], `changed outputs (run: node --import tsx test/regression/net.ts ${changed.join(' ')})`);
  assert.equal(missing, [], 'outputs no longer produced');
});

test('the net normalises only what varies between runs', () => {
  // a change in the data itself must still show (on the first test's output of mm1: the same command)
  const a = (got.find((o) => o.name === 'queue/mm1') ?? collect(['queue/mm1'])[0]!).text;
  assert.ok(a.length > 100);
  assert.not.equal(hash(a), hash(a.replace(/\d/, (d) => String((Number(d) + 1) % 10))));
});

test.run();

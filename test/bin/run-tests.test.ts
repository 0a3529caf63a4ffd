import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
// @ts-expect-error: plain JavaScript module of bin/, no type declarations
import { parseUvuSummary } from '../../bin/uvu-summary.js';

const root = new URL('../..', import.meta.url).pathname;

test("the runner counts uvu's own output: a skipped test does not hide a failure", () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'test/fixtures/uvu-mixed.ts')], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  assert.is.not(r.status, 0);
  const s = parseUvuSummary(`${r.stdout}${r.stderr}`);
  assert.equal(s, { found: true, passed: 1, failed: 2, skipped: 1 });
});

test('totals of several suites in one file add up; no summary is reported as not found', () => {
  const text = 'Total:     3\n  Passed:    3\n  Skipped:   0\n ... Total:     2\n  Passed:    1\n  Skipped:   4\n';
  assert.equal(parseUvuSummary(text), { found: true, passed: 4, failed: 1, skipped: 4 });
  assert.equal(parseUvuSummary('crashed before uvu printed anything'), {
    found: false,
    passed: 0,
    failed: 0,
    skipped: 0,
  });
});

test('a file still alive after its summary is ended and counted by that summary', () => {
  const r = spawnSync(process.execPath, [join(root, 'bin/run-tests.js'), 'fixtures/linger/'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0', PIPELAB_TEST_LINGER_MS: '200' },
  });
  assert.is(r.status, 0, r.stdout);
  assert.match(r.stdout, /^ok {3}test\/fixtures\/linger\/linger\.test\.ts {2}1 passed, 0 failed/m);
  assert.match(r.stdout, /\(1 ended 0\.2 s after their summary, still alive\)/);
  assert.match(r.stdout, /^1 passed, 0 failed$/m);
});

test.run();

/**
 * scenarios/drift.ts end to end through the CLI (spawned, real pipeline, real model): the report's
 * summary.json has the loop's timeline with the detection after the generator's onset, then the
 * retraining, the 90/10 rollout and the promotion; report.html has the timeline chart and table.
 * The scenario's 12000 transactions come at 800/s for 15 s instead of its 400/s for 30 s: the loop
 * counts transactions (onset at event 5000, baseline, training and evaluation rows; the generator's
 * fraud episodes follow its own event clock), so the same events drive the same steps in half the
 * wall time. At either rate the promotion came near event 9000 (22.6 s at 400/s, 11.3 s at 800/s).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'pipelab-drift-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));
/** the same 12000 transactions as the scenario's 400/s for 30 s */
const FASTER = ['--rate', '800', '--duration', '15s'];

test('pipelab run scenarios/drift.ts shows onset, detection, retraining and promotion on one timeline', () => {
  const out = join(tmp, 'out');
  const r = spawnSync(
    process.execPath,
    [join(root, 'bin', 'pipelab.js'), 'run', 'scenarios/drift.ts', '--out', out, ...FASTER],
    {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  assert.is(r.status, 0, r.stderr + r.stdout.slice(-2000));
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  const tl = s.extra.driftLoop.timeline as { t: number; kind: string }[];
  const at = (k: string) => tl.find((e) => e.kind === k)?.t;
  for (const k of [
    'drift-onset',
    'detection',
    'retrain-start',
    'retrain-end',
    'candidate-rollout',
    'evaluation',
    'promotion',
  ])
    assert.ok(at(k) !== undefined, `no ${k} in ${JSON.stringify(tl)}`);
  assert.ok(at('detection')! > at('drift-onset')!, 'detection after the onset');
  assert.ok(
    at('retrain-start')! > at('detection')! &&
      at('candidate-rollout')! >= at('retrain-end')! &&
      at('promotion')! > at('candidate-rollout')!,
  );
  const ev = s.extra.driftLoop.lastEvaluation;
  assert.ok(ev.promoted && ev.candidate > ev.incumbent, JSON.stringify(ev));
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, 'id="chart-drift-loop"');
  assert.match(html, 'id="drift-loop-timeline"');
  assert.match(readFileSync(join(out, 'summary.md'), 'utf8'), '## Drift loop');
});

test.run();

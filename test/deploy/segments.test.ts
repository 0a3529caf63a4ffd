/**
 * The distributed examples in deploy/ wire their segments right: for each pod index of the
 * Kubernetes Indexed Job (and each entry of the CI matrix), the command it runs is evaluated with
 * the shell the pod uses, and the --execution-segment flags it produces are parsed by pipelab:
 * together they must tile [0, 1] with no gap or overlap, on one sequence, as many as the Job runs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ExecutionSegment } from '../../harness/executors/segment.ts';

const root = new URL('../..', import.meta.url).pathname;
/** GitHub's expression for the matrix entry, as written in the workflow */
const MATRIX_INDEX = ['$', '{{ matrix.index }}'].join('');

/** runs a shell script with `npx` replaced by an echo of its arguments, one per line */
function argsOf(script: string, env: Record<string, string>): string[] {
  const r = spawnSync('/bin/sh', ['-c', `npx() { for a in "$@"; do echo "$a"; done; }\n${script}`], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    encoding: 'utf8',
  });
  assert.is(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n');
}

function flag(args: string[], name: string): string {
  const i = args.indexOf(name);
  assert.ok(i >= 0, `${name} missing in ${args.join(' ')}`);
  return args[i + 1]!;
}

function assertTiles(all: string[][]): void {
  const segs = all.map(
    (a) => new ExecutionSegment(flag(a, '--execution-segment'), flag(a, '--execution-segment-sequence')),
  );
  assert.is(new Set(segs.map((s) => s.sequence)).size, 1, 'one sequence for every pod');
  segs.sort((a, b) => a.from - b.from);
  assert.is(segs[0]!.from, 0);
  assert.is(segs.at(-1)!.to, 1);
  for (let i = 1; i < segs.length; i++) assert.is(segs[i]!.from, segs[i - 1]!.to, 'no gap, no overlap');
  assert.is(new Set(all.map((a) => flag(a, '--out'))).size, all.length, 'each pod writes its own run');
}

test('Kubernetes Indexed Job: one segment per completion index, tiling the whole', () => {
  const job = parse(readFileSync(`${root}deploy/kubernetes/indexed-job.yaml`, 'utf8'));
  const spec = job.spec;
  assert.is(spec.completionMode, 'Indexed');
  assert.is(spec.parallelism, spec.completions, 'every segment runs at once');
  const c = spec.template.spec.containers[0];
  const env = Object.fromEntries(c.env.map((e: { name: string; value: string }) => [e.name, e.value]));
  assert.is(Number(env.SEGMENTS), spec.completions, 'SEGMENTS matches completions');
  const script = c.args.join(' ');
  const all = Array.from({ length: spec.completions }, (_, i) =>
    argsOf(script, { ...env, JOB_COMPLETION_INDEX: String(i) }),
  );
  assertTiles(all);
  assert.is(all[0]![0], 'pipelab');
});

test('CI matrix: one segment per matrix entry, tiling the whole', () => {
  const wf = parse(readFileSync(`${root}deploy/ci/github-matrix.yml`, 'utf8'));
  const job = wf.jobs.segment;
  const step = job.steps.find((s: { run?: string }) => s.run?.includes('--execution-segment'));
  const all = (job.strategy.matrix.index as number[]).map((i) =>
    argsOf(step.run.replaceAll(MATRIX_INDEX, String(i)).replace(/\s*\|\|.*$/s, ''), {}),
  );
  assertTiles(all);
  assert.ok(
    wf.jobs.merge.steps.some((s: { run?: string }) => s.run?.includes('pipelab merge')),
    'the merge job merges',
  );
});

test.run();

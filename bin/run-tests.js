#!/usr/bin/env node
// Runs every test/**/*.test.ts in its own Node process (isolation: a suite that leaks a socket
// can't hang the others), two at a time (this machine has 2 cores), and ends with the plain line
// `N passed, N failed` that CI reads (uvu prints its own totals per file only).
// Longest files first, so the two slots finish together instead of one starting a 3-minute file
// near the end: by each file's seconds in the last run here (.test-durations.json, git-ignored,
// written at the end of every run), else in test/durations.json (committed: the slow files of a
// full run, for a fresh clone), else 0; ties alphabetical.
// First it builds the CLI's bundle if it is stale (bin/build-cli.js, ~1 s): the tests spawn
// `pipelab` hundreds of times, each ~1 CPU-s less from the bundle than from the .ts sources.
//   npm test                 all suites
//   npm test -- broker sim   only files whose path contains one of the words
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { cpus } from 'node:os';
import { buildCli } from './build-cli.js';
import { parseUvuSummary } from './uvu-summary.js';
import { writeAtomic } from './write-atomic.js';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
const FILE_TIMEOUT_MS = Number(process.env.PIPELAB_TEST_TIMEOUT_MS ?? 600_000);
/**
 * after uvu printed its summary, how long a file may take to exit before it is ended: clients of a
 * broker a test closed (kafkajs retry timers, reconnect backoffs) can keep a process alive for tens
 * of seconds after its last test, which is suite time and nothing else
 */
const LINGER_MS = Number(process.env.PIPELAB_TEST_LINGER_MS ?? 3000);
const SUMMARY = /Total:\s+\d+\s+Passed:\s+\d+\s+Skipped:\s+\d+\s+Duration:\s+[\d.]+ms/;
const concurrency = Number(process.env.PIPELAB_TEST_JOBS ?? Math.max(1, Math.min(2, cpus().length)));

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const LAST_RUN = join(root, '.test-durations.json');
const readSeconds = (p) => {
  try {
    return JSON.parse(readFileSync(p, 'utf8'));
  } catch {
    return {};
  }
};
const lastRun = readSeconds(LAST_RUN);
const expected = { ...readSeconds(join(root, 'test', 'durations.json')), ...lastRun };
const files = find(join(root, 'test'))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort()
  .sort((a, b) => (expected[b] ?? 0) - (expected[a] ?? 0));
/** this run's seconds per file, merged into LAST_RUN at the end */
const seconds = {};

// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the ANSI colour codes this strips
const strip = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');
let passed = 0,
  failed = 0,
  skipped = 0,
  ended = 0;
const started = Date.now();

/**
 * CPU seconds of this runner's reaped children and their descendants (cutime + cstime of
 * /proc/self/stat), or NaN off Linux. Read when a file's process exits, the increase since the last
 * read is that file's CPU, its own and its children's (brokers, CLI runs): beside its wall seconds it
 * says whether a slow file computes or waits. Two files reaped in the same tick share one figure.
 */
const TICKS = 100;
function reapedCpuSeconds() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) / TICKS;
  } catch {
    return Number.NaN;
  }
}
let lastReaped = reapedCpuSeconds();

function runFile(file) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let linger;
    let lingered = false;
    let after = 0;
    const take = (d) => {
      out += d;
      // uvu's summary (Total, Passed, Skipped, Duration) is its last word: the tests are over, unless
      // more output follows (more suites of the file), which waits for the next summary
      clearTimeout(linger);
      if (!SUMMARY.test(strip(out.slice(Math.max(after, out.length - 600))))) return;
      after = out.length;
      linger = setTimeout(() => {
        lingered = true;
        child.kill('SIGKILL');
      }, LINGER_MS);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = setTimeout(() => {
      out += `\n[run-tests] ${file} exceeded ${FILE_TIMEOUT_MS} ms: killed\n`;
      child.kill('SIGKILL');
    }, FILE_TIMEOUT_MS);
    let cpu = Number.NaN;
    child.on('exit', () => {
      const now = reapedCpuSeconds();
      cpu = now - lastReaped;
      lastReaped = now;
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      clearTimeout(linger);
      if (lingered) ended++;
      // ended after its summary: its tests decided the outcome (the summary's failures)
      const code = lingered ? 0 : exitCode;
      const text = strip(out);
      const summary = parseUvuSummary(text);
      const p = summary.passed;
      const skip = summary.skipped;
      let f = summary.failed;
      // a crash, a timeout or a failing exit with no failed test still fails the file
      if (code !== 0 && f === 0) f = 1;
      if (!summary.found && code === 0) {
        f = 1;
        out += '\n[run-tests] no uvu summary printed: did the file call test.run()?\n';
      }
      passed += p;
      failed += f;
      skipped += skip;
      const secs = ((Date.now() - t0) / 1000).toFixed(1);
      seconds[file] = Number(secs);
      const took = `${secs}s${Number.isFinite(cpu) ? `, cpu ${cpu.toFixed(1)}s` : ''}`;
      const notices = text
        .split('\n')
        .filter((l) => l.startsWith('NOTICE'))
        .join('\n');
      console.log(
        `${f ? 'FAIL' : 'ok  '} ${file}  ${p} passed, ${f} failed${skip ? `, ${skip} skipped` : ''}  (${took})`,
      );
      if (notices) console.log(notices);
      if (f)
        console.log(
          out
            .split('\n')
            .map((l) => `    ${l}`)
            .join('\n'),
        );
      resolve();
    });
  });
}

try {
  await buildCli(root, { ifStale: true });
} catch (e) {
  // a source esbuild cannot parse fails its own tests; the CLI runs from the sources meanwhile
  console.log(`[run-tests] the CLI bundle did not build, the CLI runs from its sources: ${e.message}`);
}
const queue = [...files];
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (queue.length) await runFile(queue.shift());
  }),
);
try {
  // atomically: a run beside this one (a test of the runner) reads a whole file or none
  writeAtomic(LAST_RUN, `${JSON.stringify({ ...lastRun, ...seconds }, null, 1)}\n`);
} catch {
  // a read-only checkout: the next run orders by test/durations.json
}
const endedNote = ended ? ` (${ended} ended ${LINGER_MS / 1000} s after their summary, still alive)` : '';
console.log(`\n${files.length} test files in ${((Date.now() - started) / 1000).toFixed(1)}s${endedNote}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || files.length === 0 ? 1 : 0);

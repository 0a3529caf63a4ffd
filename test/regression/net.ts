/**
 * The regression net: seeded, deterministic outputs of the CLI (simulated runs and their reports,
 * generator bytes, queue self-checks, scenario plans, run comparison, the k6 export, drift
 * evaluation) hashed after removing what legitimately changes between runs (wall-clock
 * timestamps, the Node version, process CPU/memory samples, temporary paths).
 *
 * A refactor that claims "behaviour does not change" must leave every hash as it was.
 *   node --import tsx test/regression/net.ts            compare with test/fixtures/regression/hashes.json
 *   node --import tsx test/regression/net.ts --record   write the hashes (only when a change is meant)
 * It drives the CLI (bin/pipelab.js) only, so it survives moves of modules and public names.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
export const HASHES = join(root, 'test/fixtures/regression/hashes.json');

export interface Output {
  name: string;
  text: string;
}

function cli(args: string[], opts: { allowExit?: number[] } = {}): string {
  const r = spawnSync(process.execPath, [join(root, 'bin/pipelab.js'), ...args], {
    cwd: root,
    encoding: 'latin1',
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', CI: '', PIPELAB_PROGRESS: 'plain' },
    maxBuffer: 256 * 1024 * 1024,
  });
  const ok = [0, ...(opts.allowExit ?? [])];
  if (r.status === null || !ok.includes(r.status)) {
    throw new Error(`pipelab ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

/** what may differ between two runs of the same seeded command */
function normalize(text: string, tmp: string): string {
  return text
    .split(tmp)
    .join('<tmp>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?/g, '<iso-time>')
    .replace(/"node":\s*"v[\d.]+"/g, '"node":"<node>"')
    .replace(/Node v?\d+\.\d+\.\d+/g, 'Node <node>');
}

/** summary.json without the sections that measure the machine (the harness process itself) */
function normalizeSummary(json: string, tmp: string): string {
  const s = JSON.parse(json);
  delete s.system;
  s.startedAt = '<time>';
  s.endedAt = '<time>';
  return normalize(JSON.stringify(s), tmp);
}

function readTree(dir: string, tmp: string, prefix: string): Output[] {
  const out: Output[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.png'))
        continue; // rasterised from the SVG beside it
      else {
        const raw = readFileSync(p, 'latin1');
        const rel = relative(dir, p);
        let text: string;
        if (n === 'summary.json') text = normalizeSummary(raw, tmp);
        else if (n === 'report.html' || n === 'summary.md') text = dropSystem(normalize(raw, tmp));
        else text = normalize(raw, tmp);
        out.push({ name: `${prefix}/${rel}`, text });
      }
    }
  };
  walk(dir);
  return out;
}

/** the report's machine section (CPU, RSS, event-loop delay of this process) varies run to run */
function dropSystem(text: string): string {
  return text
    .replace(/"system":\{.*?\}\]\}/gs, '"system":<system>')
    .replace(/(cpu|rss|heap|event.loop)[^\n]*\d[^\n]*/gi, '<system line>');
}

/**
 * `pipelab validate a.ts b.ts …` prints each file's plan (what `pipelab validate a.ts` alone
 * prints) with a blank line between: back to one text per file, each starting at its
 * "… is valid (scenarios/…)" line
 */
function eachPlan(text: string, files: number): string[] {
  const starts = [...text.matchAll(/^(?:simulation )?scenario \S+ is valid \(scenarios\/[^)\n]+\)$/gm)].map(
    (m) => m.index,
  );
  if (starts.length !== files || starts[0] !== 0)
    throw new Error(`pipelab validate of ${files} scenarios printed ${starts.length} plans:\n${text}`);
  // each plan ends with its own newline; the blank line before the next plan is the separator
  return starts.map((at, i) => text.slice(at, i + 1 < starts.length ? starts[i + 1]! - 1 : text.length));
}

export function collect(only?: string[]): Output[] {
  const tmp = mkdtempSync(join(tmpdir(), 'pipelab-net-'));
  const out: Output[] = [];
  const want = (name: string) => !only || only.length === 0 || only.some((w) => name.includes(w));
  try {
    // simulated runs write every report file from the seeded model
    const runs: Array<[string, string[], number[]]> = [
      ['sim-autoscale-spike', ['scenarios/autoscale-spike.ts', '--duration', '4m'], [99]],
      ['sim-diurnal', ['scenarios/diurnal.ts', '--duration', '3h'], [99]],
    ];
    for (const [name, args, allow] of runs) {
      if (!want(name) && !want('compare')) continue;
      const dir = join(tmp, name);
      const console_ = cli(['run', ...args, '--out', dir], { allowExit: allow });
      if (want(name)) {
        out.push({ name: `${name}/console`, text: dropSystem(normalize(console_, tmp)) });
        out.push(...readTree(dir, tmp, name));
      }
    }
    if (want('compare')) {
      const a = join(tmp, 'sim-autoscale-spike'),
        b = join(tmp, 'sim-diurnal');
      out.push({ name: 'compare/text', text: normalize(cli(['compare', a, b]), tmp) });
      out.push({ name: 'compare/json', text: normalize(cli(['compare', a, b, '--json']), tmp) });
    }
    const gens: Array<[string, string[]]> = [
      ['gen/transactions.json', ['transactions', '-n', '3000', '--seed', '1', '--fraud-rate', '0.05']],
      ['gen/transactions.avro', ['transactions', '-n', '3000', '--seed', '2', '-f', 'avro']],
      [
        'gen/transactions-deflate.avro',
        ['transactions', '-n', '1000', '--seed', '3', '-f', 'avro', '--codec', 'deflate'],
      ],
      ['gen/user-events.json', ['user-events', '-n', '3000', '--seed', '4', '--arrivals', 'poisson']],
      ['gen/user-events.avro', ['user-events', '-n', '3000', '--seed', '5', '-f', 'avro', '--zipf', '0.8']],
      [
        'gen/user-events-drift.json',
        [
          'user-events',
          '-n',
          '2000',
          '--seed',
          '6',
          '--config',
          '{"drifts":[{"param":"deviceWeights","value":{"mobile":90},"onset":500}]}',
        ],
      ],
    ];
    for (const [name, args] of gens) {
      if (!want(name)) continue;
      const file = join(tmp, name.replace('/', '-'));
      cli(['generate', ...args, '-o', file]);
      out.push({ name, text: readFileSync(file, 'latin1') });
    }
    const queues: Array<[string, string[]]> = [
      ['queue/mm1', ['--model', 'mm1', '--lambda', '8', '--mu', '10']],
      ['queue/mmc', ['--model', 'mmc', '--lambda', '40', '--mu', '10', '--servers', '5']],
      ['queue/md1', ['--model', 'md1', '--lambda', '7', '--mu', '10']],
    ];
    for (const [name, args] of queues)
      if (want(name)) out.push({ name, text: normalize(cli(['sim', 'queue', ...args]), tmp) });
    if (want('validate')) {
      const files = readdirSync(join(root, 'scenarios'))
        .filter((n) => n.endsWith('.ts'))
        .sort();
      const plans = eachPlan(cli(['validate', ...files.map((f) => `scenarios/${f}`)]), files.length);
      for (const [i, f] of files.entries()) out.push({ name: `validate/${f}`, text: normalize(plans[i]!, tmp) });
    }
    if (want('k6'))
      out.push({
        name: 'k6/http-example.js',
        text: normalize(cli(['export', 'k6', 'scenarios/http-example.ts']), tmp),
      });
    if (want('drift')) {
      const cfg = join(tmp, 'drift.json');
      writeFileSync(
        cfg,
        JSON.stringify({
          seed: 3,
          runs: 2,
          deltaMax: 1000,
          streams: [
            { type: 'numeric', name: 'sudden', n: 4000, drifts: [{ shape: 'sudden', at: 2000, mean: 1 }] },
            { type: 'sea', name: 'SEA', n: 4000, variants: [0, 3], positions: [2000], noise: 0.1 },
          ],
          detectors: ['adwin', 'page-hinkley', 'kswin', 'ddm', 'eddm', 'hddm-a'],
        }),
      );
      out.push({ name: 'drift/evaluate', text: normalize(cli(['drift', 'evaluate', cfg, '--json']), tmp) });
      const ref = join(tmp, 'ref.json'),
        cur = join(tmp, 'cur.json');
      cli(['generate', 'transactions', '-n', '2000', '--seed', '8', '-o', ref]);
      cli(['generate', 'transactions', '-n', '2000', '--seed', '9', '--fraud-rate', '0.2', '-o', cur]);
      out.push({ name: 'drift/compare', text: normalize(cli(['drift', 'compare', ref, cur, '--json']), tmp) });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}

export const hash = (text: string) => createHash('sha256').update(text, 'latin1').digest('hex');

if (import.meta.url === `file://${process.argv[1]}`) {
  const record = process.argv.includes('--record');
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const outputs = collect(only);
  const table: Record<string, { sha256: string; bytes: number }> = {};
  for (const o of outputs) table[o.name] = { sha256: hash(o.text), bytes: Buffer.byteLength(o.text, 'latin1') };
  if (record) {
    mkdirSync(join(root, 'test/fixtures/regression'), { recursive: true });
    writeFileSync(HASHES, `${JSON.stringify(table, null, 2)}\n`);
    console.log(`recorded ${outputs.length} outputs in ${relative(root, HASHES)}`);
  } else {
    const want = JSON.parse(readFileSync(HASHES, 'utf8'));
    let bad = 0;
    for (const [k, v] of Object.entries(table)) {
      const same = want[k]?.sha256 === v.sha256;
      if (!same) bad++;
      console.log(
        `${same ? 'same   ' : 'CHANGED'} ${k} (${v.bytes} bytes${same ? '' : `, was ${want[k]?.bytes ?? 'absent'}`})`,
      );
    }
    console.log(`${outputs.length - bad} same, ${bad} changed`);
    process.exit(bad ? 1 : 0);
  }
}

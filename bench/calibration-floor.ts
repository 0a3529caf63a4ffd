/**
 * The live side's reproducibility, scored as bench/calibration.ts scores the simulator: each saved
 * sitting's live runs (bench/calibration.ts --save) taken as the prediction of another sitting's,
 * rate by rate, with the same rules — the knee (where the backlog starts to grow), below it p50,
 * p99 and throughput against the goals (15, 25, 5 %), and the mean |error| against the naive
 * baseline of the sitting predicted (latency stays what its ramp's top measured, throughput = the
 * rate). A model calibrated in one sitting can do no better than the machine repeats itself: this
 * is that floor, from runs already made (no live run here).
 *
 *   npx tsx bench/calibration-floor.ts <dir> <dir> [<dir>…] [--modes in-process,child] [--ramp-top 4200]
 *
 * Only each rate's first run (<rate>.json) is used, so sittings with and without --repeat compare
 * alike.
 */
import './help.ts';
import { numberFlag } from './flags.ts';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { measuredFigures } from '../harness/sim/calibrate.ts';
import { textTable } from '../results/table.ts';
import type { RunSummary } from '../results/types.ts';
import { GOALS, KNEE_DEFICIT, knee, liveDeficit, liveThroughput } from './calibration-measures.ts';

const argv = process.argv.slice(2);
const flag = (f: string) => {
  const i = argv.indexOf(f);
  return i >= 0 ? argv.splice(i, 2)[1] : undefined;
};
const modes = (flag('--modes') ?? 'in-process,child').split(',');
const rampTop = numberFlag('--ramp-top', 4200, { positive: true }, flag('--ramp-top'));
const dirs = argv;
if (dirs.length < 2) {
  console.error('give two saved sittings or more (bench/calibration.ts --save <dir>)');
  process.exit(104);
}

type Figures = { p50: number; p99: number; throughput: number };
interface Sitting {
  name: string;
  figures: Map<number, Figures>;
  knee: number | undefined;
}

function sitting(dir: string, mode: string): Sitting | undefined {
  if (!existsSync(`${dir}/${mode}`)) return undefined;
  const rates = readdirSync(`${dir}/${mode}`)
    .filter((f) => /^\d+\.json$/.test(f))
    .map((f) => Number(f.slice(0, -5)))
    .sort((a, b) => a - b);
  const figures = new Map<number, Figures>(),
    deficits: number[] = [];
  for (const r of rates) {
    const s = JSON.parse(readFileSync(`${dir}/${mode}/${r}.json`, 'utf8')) as RunSummary;
    const m = measuredFigures(s);
    figures.set(r, { p50: m.p50, p99: m.p99, throughput: liveThroughput(s) });
    deficits.push(liveDeficit(s, r));
  }
  return { name: dir.split('/').pop()!, figures, knee: knee(rates, deficits, KNEE_DEFICIT) };
}

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;
const names = ['p50', 'p99', 'throughput'] as const;

for (const mode of modes) {
  const ss = dirs.map((d) => sitting(d, mode)).filter((s): s is Sitting => s !== undefined);
  const rows: string[][] = [];
  const within = { p50: [0, 0], p99: [0, 0], throughput: [0, 0] };
  let kneesOk = 0,
    ratiosOk = 0,
    pairs = 0;
  for (const a of ss)
    for (const b of ss) {
      if (a === b || b.knee === undefined || a.knee === undefined) continue;
      const top = b.figures.get(rampTop);
      const rates = [...b.figures.keys()].filter((r) => r > rampTop && r < b.knee! && a.figures.has(r));
      if (!top || rates.length === 0) continue;
      let err = 0,
        naive = 0;
      for (const r of rates)
        for (const f of names) {
          const mv = b.figures.get(r)![f],
            e = (a.figures.get(r)![f] - mv) / mv;
          err += Math.abs(e);
          naive += Math.abs(((f === 'throughput' ? r : top[f]) - mv) / mv);
          within[f][1]++;
          if (Math.abs(e) <= GOALS[f]) within[f][0]++;
        }
      const kneeErr = a.knee / b.knee - 1,
        ratio = naive / err;
      pairs++;
      if (Math.abs(kneeErr) <= 0.1) kneesOk++;
      if (ratio >= 3) ratiosOk++;
      rows.push([a.name, b.name, rates.join(', '), `${a.knee.toFixed(0)} / ${b.knee.toFixed(0)}`, pct(kneeErr)]);
      rows[rows.length - 1]!.push(`${((100 * err) / (3 * rates.length)).toFixed(1)} %`, `${ratio.toFixed(2)}×`);
    }
  console.log(`\n## ${mode}: one sitting's live runs as the prediction of another's`);
  const head = ['as predicted by', 'measured', 'rates below its knee', 'knee/s', 'knee error', 'mean |error|', 'ratio'];
  console.log(textTable(head, rows));
  const w = names.map((f) => `${f} ${within[f][0]}/${within[f][1]} within ${100 * GOALS[f]} %`).join(', ');
  console.log(`${pairs} pairs: knee within 10 % in ${kneesOk}, ratio ≥ 3× in ${ratiosOk}; ${w}`);
}

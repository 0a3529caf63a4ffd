/**
 * What exactly-once costs, side by side in one run at the same rates: the reference pipeline
 * (embedded broker, in-memory feature store, in-process model server, 2 in-process stream
 * processors, default 5 s checkpoints) under `guarantee: 'at-least-once'` and `'exactly-once'`,
 * the two taking turns at each rate (round r runs at-least-once first on even rounds, second on
 * odd ones, so drift of a shared machine hits both). Per run: decided events/s (decided over the
 * load plus the drain after it: at a rate above capacity this is the sustained processing rate),
 * e2e p50/p99 from the intended send time, missing, duplicates, and whether every window count
 * equals the ground truth. Then the medians per guarantee and the ratios exactly-once / at-least-once.
 *
 *   npx tsx bench/eos.ts                       rates 1000,4000,12000, 6 s each, 2 rounds (~6 min)
 *   npx tsx bench/eos.ts --quick               rates 1000,8000, 3 s, 1 round (or PIPELAB_BENCH_QUICK=1)
 *   npx tsx bench/eos.ts --rates 2000 --seconds 10 --rounds 3 --processors 2
 */
import './help.ts';
import { numberFlag, numberListFlag } from './flags.ts';
import { median } from './stats.ts';
import { runScenario } from '../harness/runner/index.ts';
import { validateScenario } from '../harness/scenario/index.ts';
import type { Accounting } from '../harness/targets/pipeline/accounting.ts';
import type { TrendData } from '../results/types.ts';

const quick = process.argv.includes('--quick') || process.env.PIPELAB_BENCH_QUICK === '1';
const rates = numberListFlag('--rates', quick ? '1000,8000' : '1000,4000,12000', { positive: true });
const seconds = numberFlag('--seconds', quick ? 3 : 6, { min: 1 });
const rounds = numberFlag('--rounds', quick ? 1 : 2, { int: true, min: 1 });
const processors = numberFlag('--processors', 2, { int: true, min: 1 });
type Guarantee = 'at-least-once' | 'exactly-once';

interface Row {
  guarantee: Guarantee;
  rate: number;
  decidedPerSec: number;
  p50: number;
  p99: number;
  missing: number;
  duplicates: number;
  windowsExact: boolean;
}

async function run(guarantee: Guarantee, rate: number): Promise<Row> {
  const s = validateScenario({
    name: `bench-eos-${guarantee}-${rate}`,
    seed: 1,
    warmup: '1s',
    services: { 'redis-mode': 'embedded', 'model-server-mode': 'embedded' },
    target: { type: 'pipeline', guarantee, processors, drainTimeout: '60s' },
    executors: {
      main: {
        executor: 'constant-arrival-rate',
        rate,
        duration: `${seconds}s`,
        preAllocatedVUs: Math.min(2000, rate),
        maxVUs: Math.max(5000, rate * 2),
      },
    },
  });
  const summary = await runScenario(s);
  const acc = summary.extra?.accounting as Accounting;
  const e2e = summary.metrics.e2e_latency as TrendData | undefined;
  return {
    guarantee,
    rate,
    decidedPerSec: acc.decided / (summary.durationMs / 1000 + acc.drainMs / 1000),
    p50: e2e?.p50 ?? NaN,
    p99: e2e?.p99 ?? NaN,
    missing: acc.missing ?? NaN,
    duplicates: acc.duplicates,
    windowsExact: acc.windows?.exact === true,
  };
}

const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');

async function main(): Promise<void> {
  console.log(
    `exactly-once vs at-least-once: rates ${rates.join(', ')}/s, ${seconds} s each, ${rounds} round(s), ` +
      `${processors} in-process processors (shared machine: read the ratios)`,
  );
  const rows: Row[] = [];
  for (let r = 0; r < rounds; r++)
    for (const rate of rates) {
      const order: Guarantee[] = r % 2 === 0 ? ['at-least-once', 'exactly-once'] : ['exactly-once', 'at-least-once'];
      for (const g of order) {
        const row = await run(g, rate);
        rows.push(row);
        console.log(
          `  round ${r + 1} ${g.padEnd(13)} ${String(rate).padStart(6)}/s: decided ${f0(row.decidedPerSec)}/s, ` +
            `e2e p50 ${f0(row.p50)} ms p99 ${f0(row.p99)} ms, missing ${row.missing}, duplicates ${row.duplicates}, ` +
            `windows exact ${row.windowsExact ? 'yes' : 'no'}`,
        );
      }
    }
  console.log('\n| rate/s | guarantee | decided/s | e2e p50 ms | e2e p99 ms | missing | duplicates | windows exact |');
  console.log('|---|---|---|---|---|---|---|---|');
  const ratios: string[] = [];
  for (const rate of rates) {
    const med = (g: Guarantee) => {
      const rs = rows.filter((x) => x.rate === rate && x.guarantee === g);
      return {
        tput: median(rs.map((x) => x.decidedPerSec)),
        p50: median(rs.map((x) => x.p50)),
        p99: median(rs.map((x) => x.p99)),
        missing: rs.reduce((a, x) => a + x.missing, 0),
        dups: rs.reduce((a, x) => a + x.duplicates, 0),
        exact: `${rs.filter((x) => x.windowsExact).length}/${rs.length}`,
      };
    };
    const a = med('at-least-once');
    const e = med('exactly-once');
    for (const [g, m] of [
      ['at-least-once', a],
      ['exactly-once', e],
    ] as const)
      console.log(
        `| ${rate} | ${g} | ${f0(m.tput)} | ${f0(m.p50)} | ${f0(m.p99)} | ${m.missing} | ${m.dups} | ${m.exact} |`,
      );
    ratios.push(
      `  ${rate}/s: throughput x${(e.tput / a.tput).toFixed(2)}, e2e p99 x${(e.p99 / a.p99).toFixed(2)} ` +
        `(${e.p99 >= a.p99 ? '+' : '-'}${f0(Math.abs(e.p99 - a.p99))} ms), p50 x${(e.p50 / a.p50).toFixed(2)}`,
    );
  }
  console.log('\nexactly-once / at-least-once (medians):');
  for (const r of ratios) console.log(r);
}

await main();
process.exit(0);

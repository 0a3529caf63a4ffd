/**
 * `pipelab compare <run> <run> ...`: runs side by side (p50/p99, throughput, cost per hour and
 * per million events, SLO-violation minutes). A run is a summary.json or a directory holding one
 * (e.g. reports/out/<scenario>-<timestamp>/); live and simulated runs mix freely.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { PipelabError } from '../../../errors.ts';
import { DEFAULT_SLO_P99_MS } from '../../../results/slo.ts';
import type { RunSummary } from '../../../results/types.ts';
import { loadCatalogue } from '../../sim/cost/catalogue.ts';
import { compareChartSpec, compareRow, formatCompareTable } from '../../sim/cost/compare.ts';
import { DEFAULT_COST_SPEC, type CostSpec } from '../../sim/cost/cost.ts';
import { COMPARE_FIGURES, compareReport } from '../../sim/cost/verdict.ts';
import type { CompareFigure } from '../../../results/compare.ts';
import { EXIT_CODES } from '../../../errors.ts';
import { parseNumberFlag } from '../numbers.ts';
import { prepareOutputDir, writeOutputFile } from '../output.ts';

function readJson(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new PipelabError('INVALID_INPUT_FILE', `cannot read ${what} ${path}: ${(e as Error).message}`, {
      cause: e,
      hint: 'pass a summary.json written by pipelab (or the run directory holding it)',
    });
  }
}

export function loadSummary(arg: string): { label: string; summary: RunSummary } {
  if (!existsSync(arg))
    throw new PipelabError('INVALID_INPUT_FILE', `no such file or directory: ${arg}`, {
      hint: 'pass a summary.json or a run directory',
    });
  const file = statSync(arg).isDirectory() ? join(arg, 'summary.json') : arg;
  if (!existsSync(file))
    throw new PipelabError('INVALID_INPUT_FILE', `${arg} has no summary.json`, {
      hint: 'pass the run directory itself (reports/out/<scenario>-<timestamp>/)',
    });
  const s = readJson(file, 'run summary') as RunSummary;
  if (s?.schema !== 'pipelab.summary/v1')
    throw new PipelabError(
      'INVALID_INPUT_FILE',
      `${file} is not a pipelab run summary (schema ${JSON.stringify(s?.schema)})`,
      { hint: 'expected schema "pipelab.summary/v1"' },
    );
  const where = file.endsWith('summary.json') ? basename(dirname(file)) : basename(file, '.json');
  return { label: `${s.scenario?.name ?? 'run'} (${where})`, summary: s };
}

const fig = (x: number | null) => (x === null ? '—' : String(Number(x.toPrecision(4))));

interface CompareFlags {
  json?: boolean;
  sloP99: string;
  catalogue?: string;
  cost?: string;
  chart?: string;
  out?: string;
  failOn?: string;
  gate?: string;
}

/** --fail-on worse [--gate p99,cost...]: which verdicts fail the command */
function gateOf(opts: CompareFlags): { failOn: 'worse'; figures: CompareFigure[] } | undefined {
  if (opts.gate !== undefined && opts.failOn === undefined)
    throw new PipelabError('INVALID_ARGUMENT', '--gate needs --fail-on worse', {
      hint: 'e.g. --fail-on worse --gate p99,costPerMillionEvents',
    });
  if (opts.failOn === undefined) return undefined;
  if (opts.failOn !== 'worse')
    throw new PipelabError('INVALID_ARGUMENT', `invalid --fail-on ${JSON.stringify(opts.failOn)}: expected worse`, {
      hint: '--fail-on worse exits 99 when a run is worse than the first on a figure beyond the noise',
    });
  const figures = (opts.gate ?? COMPARE_FIGURES.join(',')).split(',').map((f) => f.trim());
  const unknown = figures.filter((f) => !(COMPARE_FIGURES as readonly string[]).includes(f));
  if (unknown.length || figures.length === 0)
    throw new PipelabError('INVALID_ARGUMENT', `invalid --gate: unknown figure ${unknown.join(', ')}`, {
      hint: `use a comma-separated list of ${COMPARE_FIGURES.join(', ')}`,
    });
  return { failOn: 'worse', figures: figures as CompareFigure[] };
}

export function register(program: Command): void {
  program
    .command('compare')
    .description('compare runs side by side: p99, throughput, cost, SLO-violation minutes')
    .argument('<runs...>', 'two or more summary.json files or run directories')
    .option('--json', 'print rows as JSON')
    .option('--slo-p99 <ms>', 'p99 SLO for violation minutes', String(DEFAULT_SLO_P99_MS))
    .option('--catalogue <file>', 'instance catalogue JSON (default: harness/sim/cost/catalogue.json, example prices)')
    .option('--cost <file>', 'cost spec JSON: { "<group>": { "instance": "c6i.xlarge", "pricing": "spot" } }')
    .option('--chart <file>', 'also write a chart (p99 and cost per million events per run) as .svg or .png')
    .option('--out <dir>', 'write compare.html, compare.md and compare.json (charts, verdicts against the first run)')
    .option('--fail-on <verdict>', 'exit 99 when a figure of a run is this against the first run (only: worse)')
    .option('--gate <figures>', `figures --fail-on checks, comma-separated (default all: ${COMPARE_FIGURES.join(',')})`)
    .addHelpText(
      'after',
      '\nCost needs replica-hours: simulated runs carry them; a live run shows — unless its summary has ' +
        'extra.replicas (live pipeline runs carry them).\n' +
        'The first run is the baseline: --out adds a verdict per figure for every other run (better, worse, or ' +
        'the same within the noise of both runs’ per-second spread; docs/reports.md).\nExamples:\n' +
        '  pipelab compare reports/out/spike-a reports/out/spike-b --slo-p99 250\n' +
        '  pipelab compare baseline/summary.json new/summary.json --out compare --fail-on worse   (a CI gate)',
    )
    .action(async (runs: string[], opts: CompareFlags) => {
      if (runs.length < 2)
        throw new PipelabError('INVALID_ARGUMENT', 'compare needs at least two runs', {
          hint: 'pipelab compare <summary-a.json> <summary-b.json> ...',
        });
      const slo = parseNumberFlag('--slo-p99', opts.sloP99, { positive: true, example: 500 });
      const catalogue = loadCatalogue(opts.catalogue);
      const costSpec = opts.cost ? (readJson(opts.cost, 'cost spec') as CostSpec) : DEFAULT_COST_SPEC;
      const gate = gateOf(opts);
      if (opts.out) prepareOutputDir('--out', opts.out);
      const loaded = runs.map(loadSummary);
      const rows = loaded.map(({ label, summary }) =>
        compareRow(label, summary, { catalogue, costSpec, sloP99Ms: slo }),
      );
      process.stdout.write(
        `${opts.json ? JSON.stringify(rows, null, 2) : formatCompareTable(rows, catalogue.currency)}\n`,
      );
      if (opts.chart) {
        if (!/\.(svg|png)$/i.test(opts.chart))
          throw new PipelabError(
            'INVALID_ARGUMENT',
            `--chart must name a .svg or .png file, got ${JSON.stringify(opts.chart)}`,
            { hint: 'e.g. --chart compare.svg' },
          );
        // reports are loaded only when asked: vega is a heavy import
        const { renderSvg, renderPng } = await import('../../../reports/index.ts');
        const spec = compareChartSpec(rows);
        const svg = await renderSvg(spec);
        writeOutputFile('--chart', opts.chart, opts.chart.toLowerCase().endsWith('.png') ? await renderPng(svg) : svg);
        if (!opts.json) process.stdout.write(`chart: ${opts.chart}\n`);
      }
      if (opts.out || gate) {
        const report = compareReport(
          loaded.map((l, i) => ({ ...l, row: rows[i]! })),
          { sloP99Ms: slo, currency: catalogue.currency, ...(gate ? { gate } : {}) },
        );
        if (opts.out) {
          const { writeCompareReport } = await import('../../../reports/compare.ts');
          await writeCompareReport(report, loaded, opts.out);
          if (!opts.json) process.stdout.write(`report: ${opts.out}/compare.html\n`);
        }
        if (report.gate?.failed.length) {
          process.stderr.write(
            `compare: worse than ${report.baseline} on ${report.gate.failed
              .map((v) => `${v.figure} (${v.run}: ${fig(v.baseline)} → ${fig(v.value)}, noise ±${fig(v.noise)})`)
              .join(', ')}\n`,
          );
          process.exitCode = EXIT_CODES.THRESHOLDS_FAILED;
        }
      }
    });
}

import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { PipelabError } from '../../../errors.ts';
import {
  COMPARE_METHODS,
  compareFiles,
  compareReportJson,
  formatCompareReport,
  type CompareMethod,
} from '../../drift-lab/compare.ts';
import { evaluateDetectors } from '../../drift-lab/evaluate.ts';
import { formatTable } from '../../drift-lab/table.ts';
import { delayVsFalseAlarmsSpec } from '../../drift-lab/charts.ts';
import { parseNumberFlag, parseOptionalNumberFlag } from '../numbers.ts';
import { writeOutputFile } from '../output.ts';
import { importUserModule } from '../../scenario/typescript.ts';

async function loadConfig(file: string): Promise<unknown> {
  const path = resolve(file);
  const ext = extname(path).toLowerCase();
  try {
    if (['.ts', '.mts', '.js', '.mjs'].includes(ext)) {
      const mod = (await importUserModule(pathToFileURL(path).href)) as { default?: unknown; config?: unknown };
      return mod.default ?? mod.config;
    }
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PipelabError(
      'INVALID_INPUT_FILE',
      code === 'ENOENT' || code === 'ERR_MODULE_NOT_FOUND'
        ? `${file}: no such file`
        : `${file}: cannot load the config (${(e as Error).message})`,
      {
        hint: 'give a JSON file, or a .ts file whose default export is the config (see docs/drift.md)',
        cause: e,
      },
    );
  }
}

export function register(program: Command): void {
  const drift = program
    .command('drift')
    .description('drift lab: compare two datasets, or evaluate streaming drift detectors on synthetic streams');
  registerCompare(drift);
  registerEvaluate(drift);
}

interface CompareFlags {
  method: string;
  columns?: string;
  threshold?: string;
  psiBinning: string;
  driftShare: string;
  json?: boolean;
}

function registerCompare(drift: Command): void {
  drift
    .command('compare')
    .description(
      'per-column drift between a reference and a current dataset (CSV with a header, or JSON lines), ' +
        "with Evidently's defaults",
    )
    .argument('<reference>', 'reference data: .csv or .jsonl')
    .argument('<current>', 'current data: .csv or .jsonl')
    .option(
      '--method <method>',
      `auto (Evidently's choice per column) | ${COMPARE_METHODS.filter((m) => m !== 'auto').join(' | ')}`,
      'auto',
    )
    .option('--columns <list>', 'comma-separated columns to compare (default: every column in both files)')
    .option('--threshold <number>', "override the method's threshold")
    .option(
      '--psi-binning <binning>',
      'evidently (equal-width sturges bins over both, the default) | quantile (reference deciles)',
      'evidently',
    )
    .option('--drift-share <number>', 'dataset drift when this share of columns drifted', '0.5')
    .option('--json', 'print a stable machine-readable report')
    .addHelpText(
      'after',
      '\nExit code 0 either way; use --json and read dataset.drift to gate a pipeline.\nExample: pipelab ' +
        'drift compare ref.csv cur.csv --columns amount,country --json',
    )
    .action((reference: string, current: string, o: CompareFlags) => compareCommand(reference, current, o));
}

function registerEvaluate(drift: Command): void {
  drift
    .command('evaluate')
    .description(
      'run streaming detectors over seeded synthetic streams with known drifts: delay, missed drifts, false alarms',
    )
    .argument('<config>', 'JSON file, or .ts whose default export is the config (streams, detectors, runs, deltaMax)')
    .option('--json', 'print the full results as JSON')
    .option('--markdown', 'print the comparison table as Markdown')
    .option('--chart <file>', 'also write the vega-lite spec (delay vs false alarms) to this file')
    .addHelpText(
      'after',
      '\nExample config:\n  {"runs": 10, "streams": [{"type": "numeric", "n": 5000, "drifts": [{"shape": ' +
        '"sudden", "at": 2500, "mean": 1}]}],\n   "detectors": ["adwin", "page-hinkley", "kswin"]}',
    )
    .action(async (file: string, o: { json?: boolean; markdown?: boolean; chart?: string }) => {
      const input = await loadConfig(file);
      let result: ReturnType<typeof evaluateDetectors>;
      try {
        result = evaluateDetectors(input);
      } catch (e) {
        if (e instanceof PipelabError && e.code === 'INVALID_SCENARIO')
          throw new PipelabError(e.code, `invalid drift evaluation config in ${file}`, {
            issues: e.issues,
            ...(e.hint ? { hint: e.hint } : {}),
          });
        throw e;
      }
      if (o.chart)
        writeOutputFile('--chart', o.chart, `${JSON.stringify(delayVsFalseAlarmsSpec(result.results), null, 2)}\n`);
      if (o.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else process.stdout.write(`${formatTable(result.results, o.markdown ? 'markdown' : 'text')}\n`);
    });
}

function compareCommand(reference: string, current: string, o: CompareFlags): void {
  if (!COMPARE_METHODS.includes(o.method as CompareMethod)) {
    throw new PipelabError('INVALID_ARGUMENT', `--method: unknown method '${o.method}'`, {
      hint: `use one of ${COMPARE_METHODS.join(', ')}`,
    });
  }
  if (o.psiBinning !== 'evidently' && o.psiBinning !== 'quantile') {
    throw new PipelabError('INVALID_ARGUMENT', `--psi-binning: unknown binning '${o.psiBinning}'`, {
      hint: 'use evidently or quantile',
    });
  }
  const threshold = parseOptionalNumberFlag('--threshold', o.threshold, { example: 0.05 });
  const report = compareFiles(reference, current, {
    method: o.method as CompareMethod,
    ...(o.columns
      ? {
          columns: o.columns
            .split(',')
            .map((c) => c.trim())
            .filter(Boolean),
        }
      : {}),
    ...(threshold !== undefined ? { threshold } : {}),
    driftShare: parseNumberFlag('--drift-share', o.driftShare, { min: 0, max: 1, example: 0.5 }),
    psiBinning: o.psiBinning,
  });
  process.stdout.write(`${o.json ? compareReportJson(report) : formatCompareReport(report)}\n`);
}

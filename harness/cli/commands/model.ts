/**
 * `pipelab model train|info`: rebuild the fraud model artefacts (models/fraud/<version>/) from
 * generated transactions, seeded, and print their metrics; or show the metrics of what is there.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { PipelabError } from '../../../errors.ts';
import { toSeed } from '../../../generators/rng.ts';
import type { ModelMetrics } from '../../../pipeline/model/artefacts.ts';
// tfjs is heavy to load: the pipeline modules are imported inside the actions, so other
// subcommands (and --help) stay fast.

import { shippedPath } from '../../../pipeline/paths.ts';
import { parseOptionalNumberFlag } from '../numbers.ts';
import { prepareOutputDir } from '../output.ts';

/** the package's models/fraud (the same folder PACKAGE_MODELS_DIR names, without loading tfjs) */
export const DEFAULT_MODELS_DIR = shippedPath(import.meta.url, 'models/fraud');
const DEFAULT_MODELS_HELP = "(default: pipelab's own models/fraud)";

/** how the committed v1 and v2 were built (v2: other seed and a fraud mix heavy on account takeover) */
export const VERSION_PRESETS: Record<string, { seed: number; fraudRate: number; fraudMix?: Record<string, number> }> = {
  v1: { seed: 1, fraudRate: 0.02 },
  v2: { seed: 2, fraudRate: 0.03, fraudMix: { cardTesting: 1, accountTakeover: 3, geoVelocity: 1 } },
};

function parseMix(v: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of v.split(',').filter(Boolean)) {
    const [k, w] = part.split('=');
    const n = Number(w);
    if (!k || !['cardTesting', 'accountTakeover', 'geoVelocity'].includes(k) || !Number.isFinite(n) || n < 0) {
      throw new PipelabError('INVALID_ARGUMENT', `invalid --fraud-mix part '${part}'`, {
        hint: 'e.g. --fraud-mix cardTesting=1,accountTakeover=3,geoVelocity=1',
      });
    }
    out[k] = n;
  }
  return out;
}

export function formatMetrics(m: ModelMetrics): string {
  return [
    `${m.version}: AUC ${m.auc.toFixed(3)}  threshold ${m.threshold}  precision ${m.precision.toFixed(3)} ` +
      ` recall ${m.recall.toFixed(3)}  F1 ${m.f1.toFixed(3)}`,
    `  data: ${m.data.generator} seed ${m.data.seed}, ${m.data.count} transactions ` +
      `(${(m.data.fraudRate * 100).toFixed(2)} % fraud), trained on ${m.data.train}; ` +
      `threshold from ` +
      `${m.data.validation}` +
      `${m.data.validationSeed !== undefined ? ` (seed ${m.data.validationSeed})` : ''}, metrics on ` +
      `${m.data.test} held-out transactions${m.data.testSeed !== undefined ? ` (seed ${m.data.testSeed})` : ''}`,
    `  model: ${m.training.layers.join('-')} MLP, ${m.training.epochs} epochs, seed ${m.training.seed}, ` +
      `backend ${m.training.backend}, final loss ${m.training.finalLoss}`,
  ].join('\n');
}

export function register(program: Command): void {
  const model = program
    .command('model')
    .description("train and inspect the reference pipeline's fraud model (TensorFlow.js)");
  model
    .command('train')
    .argument('[version]', 'artefact version folder name (v1 and v2 have presets for seed and fraud mix)')
    .description(
      'train the fraud classifier on generated transactions and save a versioned artefact (model.json, ' +
        'weights.bin, metrics.json)',
    )
    // not --version: the root program owns that flag (commander parses it before the subcommand)
    .option('--model-version <v>', 'same as the [version] argument', 'v1')
    .option('--seed <s>', 'seed for the data and the training (default: the version preset, else 1)')
    .option(
      '--count <n>',
      'generated transactions to train on; the threshold and the metrics come from two separate streams ' +
        'of 30 % that size',
      '40000',
    )
    .option('--epochs <n>', 'training epochs', '12')
    .option('--fraud-rate <r>', 'labelled fraud fraction of the generated data')
    .option('--fraud-mix <mix>', 'fraud pattern weights, e.g. cardTesting=1,accountTakeover=3,geoVelocity=1')
    .option('--out <dir>', `folder holding the version folders ${DEFAULT_MODELS_HELP}`)
    .addHelpText(
      'after',
      '\nExamples:\n  pipelab model train                 # rebuilds models/fraud/v1\n  pipelab model ' +
        'train v2              # v2: other seed, fraud mix heavy on account takeover\n  pipelab model ' +
        'train v3 --seed 7 --count 20000 --out /tmp/models',
    )
    .action(
      async (
        versionArg: string | undefined,
        flags: {
          modelVersion: string;
          seed?: string;
          count: string;
          epochs: string;
          fraudRate?: string;
          fraudMix?: string;
          out?: string;
        },
      ) => {
        const o = { ...flags, version: versionArg ?? flags.modelVersion, out: flags.out ?? DEFAULT_MODELS_DIR };
        if (!/^[A-Za-z0-9._-]+$/.test(o.version))
          throw new PipelabError('INVALID_ARGUMENT', `invalid version '${o.version}'`, {
            hint: 'use a folder-safe name like v1, v3 or 2026-11-26',
          });
        prepareOutputDir('--out', o.out);
        const { TRAINING_DATA_DEFAULTS, trainingTransactions } = await import('../../../pipeline/model/data.ts');
        const { trainFraudModel } = await import('../../../pipeline/model/train.ts');
        const { saveModelArtefacts } = await import('../../../pipeline/model/artefacts.ts');
        const preset = VERSION_PRESETS[o.version];
        const seed = o.seed !== undefined ? toSeed(o.seed) : (preset?.seed ?? 1);
        const count = parseOptionalNumberFlag('--count', o.count, { int: true, min: 1000, max: 5_000_000 }) ?? 40000;
        const epochs = parseOptionalNumberFlag('--epochs', o.epochs, { int: true, min: 1, max: 1000 }) ?? 12;
        const fraudRate =
          parseOptionalNumberFlag('--fraud-rate', o.fraudRate, { min: 0.001, max: 0.5 }) ??
          preset?.fraudRate ??
          TRAINING_DATA_DEFAULTS.fraudRate;
        const fraudMix = o.fraudMix ? parseMix(o.fraudMix) : preset?.fraudMix;
        const txs = trainingTransactions({ seed, count, fraudRate, fraudMix });
        // the threshold and the metrics come from separate streams (other seeds, same settings):
        // fresh users and fresh fraud episodes, not the tail of the training stream
        const validationSeed = (seed ^ 0x7a11d) >>> 0,
          testSeed = (seed ^ 0x7e57) >>> 0;
        const heldOut = Math.max(1000, Math.floor(count * 0.3));
        const validation = trainingTransactions({ seed: validationSeed, count: heldOut, fraudRate, fraudMix });
        const test = trainingTransactions({ seed: testSeed, count: heldOut, fraudRate, fraudMix });
        process.stderr.write(`training ${o.version} on ${count} generated transactions (seed ${seed})...\n`);
        const { model: m, metrics } = await trainFraudModel(txs, {
          version: o.version,
          seed,
          epochs,
          data: { generator: 'transactions', seed, validationSeed, testSeed, fraudMix: fraudMix ?? 'default' },
          validation,
          test,
        });
        const dir = await saveModelArtefacts(o.out, m.model, metrics);
        m.dispose();
        process.stdout.write(`${formatMetrics(metrics)}\n  saved to ${dir}\n`);
      },
    );
  model
    .command('info')
    .description('print the metrics of every model version in a folder')
    .option('--models <dir>', `folder holding the version folders ${DEFAULT_MODELS_HELP}`)
    .action(async (flags: { models?: string }) => {
      const o = { models: flags.models ?? DEFAULT_MODELS_DIR };
      const { listModelVersions, readModelMetrics } = await import('../../../pipeline/model/artefacts.ts');
      const vs = listModelVersions(o.models);
      if (vs.length === 0)
        throw new PipelabError('INVALID_INPUT_FILE', `no model versions in ${o.models}`, {
          hint: 'run `pipelab model train`',
        });
      for (const v of vs) process.stdout.write(`${formatMetrics(readModelMetrics(join(o.models, v)))}\n`);
    });
}

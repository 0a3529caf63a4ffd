/**
 * Versioned model artefacts: `<dir>/<version>/model.json` (tfjs layers-model format: topology
 * and weightsManifest pointing at weights.bin), `weights.bin`, and `metrics.json` (AUC,
 * precision/recall at the chosen threshold, training data seed/size, the feature spec with its
 * normalisation). Saved with tf.io.withSaveHandler and loaded with tf.io.fromMemory: the
 * file:// handler exists only in tfjs-node, which can't install here.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { shippedPath } from '../paths.ts';
import { PipelabError } from '../../errors.ts';
import { initBackend, tfjs, type Tf } from './backend.ts';
import type { FeatureSpec } from './encode.ts';
import { FraudModel } from './inference.ts';

/**
 * The model versions shipped with pipelab (models/fraud in the package), found from this file
 * rather than the working directory, so a notebook in notebooks/ or a scenario run from anywhere
 * gets the same models.
 */
export const PACKAGE_MODELS_DIR = shippedPath(import.meta.url, 'models/fraud');

export interface ModelMetrics {
  version: string;
  auc: number;
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  /** data the model was trained and evaluated on */
  /** data the model was trained on; `test` rows come from a separate stream (testSeed) when set */
  data: {
    generator: string;
    seed: number;
    count: number;
    fraudRate: number;
    train: number;
    validation: number;
    validationFraudRate: number;
    test: number;
    testFraudRate: number;
    validationSeed?: number;
    testSeed?: number;
    fraudMix?: unknown;
  };
  training: { seed: number; epochs: number; batchSize: number; layers: number[]; backend: string; finalLoss: number };
  featureSpec: FeatureSpec;
  columns: string[];
}

function concat(w: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  if (!Array.isArray(w)) return new Uint8Array(w);
  const total = w.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of w) {
    out.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  return out;
}

export async function saveModelArtefacts(dir: string, model: Tf.LayersModel, metrics: ModelMetrics): Promise<string> {
  const tf = tfjs();
  const out = join(dir, metrics.version);
  mkdirSync(out, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const weights = concat(a.weightData as ArrayBuffer | ArrayBuffer[]);
      const manifest = {
        format: a.format ?? 'layers-model',
        generatedBy: a.generatedBy,
        convertedBy: null,
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
      };
      writeFileSync(join(out, 'model.json'), `${JSON.stringify(manifest)}\n`);
      writeFileSync(join(out, 'weights.bin'), weights);
      return {
        modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength },
      };
    }),
  );
  writeFileSync(join(out, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  return out;
}

export function readModelMetrics(dir: string): ModelMetrics {
  return JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as ModelMetrics;
}

/** load one version folder (model.json + weights.bin + metrics.json) */
export async function loadFraudModel(versionDir: string): Promise<FraudModel> {
  await initBackend();
  let manifest: {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: Tf.io.WeightsManifestEntry[] }[];
  };
  let metrics: ModelMetrics;
  try {
    manifest = JSON.parse(readFileSync(join(versionDir, 'model.json'), 'utf8'));
    metrics = readModelMetrics(versionDir);
  } catch (e) {
    throw new PipelabError(
      'INVALID_INPUT_FILE',
      `cannot read model artefacts in ${versionDir}: ${(e as Error).message}`,
      {
        hint:
          'a version folder holds model.json, weights.bin and metrics.json; rebuild with `pipelab ' +
          'model train --version <v>`',
        cause: e,
      },
    );
  }
  const weightSpecs = manifest.weightsManifest.flatMap((g) => g.weights);
  const bin = manifest.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(join(versionDir, p)));
  const buf = Buffer.concat(bin);
  const weightData = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  const tf = tfjs();
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: manifest.modelTopology, weightSpecs, weightData }),
  );
  return new FraudModel(metrics.version, model, metrics.featureSpec, metrics.threshold);
}

/** version folders under dir (those holding a model.json), sorted */
export function listModelVersions(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'model.json')))
    .map((d) => d.name)
    .sort();
}

/** load every version under dir (e.g. models/fraud → { v1, v2 }) */
export async function loadFraudModels(dir: string): Promise<Map<string, FraudModel>> {
  const versions = listModelVersions(dir);
  if (versions.length === 0) {
    throw new PipelabError('INVALID_INPUT_FILE', `no model versions found in ${dir}`, {
      hint: 'point --models at a folder with v1/, v2/ ... or run `pipelab model train`',
    });
  }
  const out = new Map<string, FraudModel>();
  for (const v of versions) out.set(v, await loadFraudModel(join(dir, v)));
  return out;
}

/**
 * Trains the fraud classifier: features from the transaction stream (the same FeatureComputer
 * the pipeline uses, in event-time order). The decision threshold (best F1) is chosen on a
 * validation stream and the reported metrics come from a test stream, each generated with its
 * own seed (`opts.validation`, `opts.test`), so they measure fresh users and fresh fraud
 * episodes; without them the last 30 % of the training stream is held out (15 % + 15 %, in time
 * order). The model is a small MLP
 * (inputs-32-16-1, ReLU, sigmoid), class-weighted binary cross-entropy with Adam.
 *
 * Seeded end to end: weight initialisers take seeds derived from `seed`, each epoch's shuffle
 * uses our Rng (tfjs's own shuffle uses Math.random, so it is off), and there is no dropout.
 * Same data + same seed → same weights → same predictions.
 */
import { Rng } from '../../generators/rng.ts';
import { FeatureComputer } from '../features/compute.ts';
import type { ScoringInput, TransactionInput } from '../types.ts';
import { initBackend, tfjs } from './backend.ts';
import { columnNames, encodeRows, fitSpec, inputWidth } from './encode.ts';
import { atThreshold, bestF1Threshold, rocAuc } from './evaluate.ts';
import { FraudModel } from './inference.ts';
import type { ModelMetrics } from './artefacts.ts';
import { PipelabError } from '../../errors.ts';

export interface TrainOptions {
  version: string;
  /** training seed (initialisation and shuffles) */
  seed: number;
  epochs?: number;
  batchSize?: number;
  hidden?: number[];
  learningRate?: number;
  /** describes the data for metrics.json */
  data: { generator: string; seed: number; fraudMix?: unknown; validationSeed?: number; testSeed?: number };
  /** held-out transactions (another stream) for the reported metrics */
  test?: Iterable<TransactionInput>;
  /** transactions (another stream) to choose the decision threshold on */
  validation?: Iterable<TransactionInput>;
  log?: (msg: string) => void;
}

export interface TrainResult {
  model: FraudModel;
  metrics: ModelMetrics;
}

/** features for each transaction, computed in event-time order as the stream processor would */
export function withFeatures(txs: Iterable<TransactionInput>): (ScoringInput & { label: boolean })[] {
  const fc = new FeatureComputer();
  const out: (ScoringInput & { label: boolean })[] = [];
  for (const t of txs) out.push({ transaction: t, features: fc.update(t), label: !!t.isFraud });
  return out;
}

type Row = ScoringInput & { label: boolean };
type Tf = ReturnType<typeof tfjs>;
type Sequential = ReturnType<Tf['sequential']>;

export async function trainFraudModel(
  transactions: Iterable<TransactionInput>,
  opts: TrainOptions,
): Promise<TrainResult> {
  const backend = await initBackend();
  const tf = tfjs();
  const epochs = opts.epochs ?? 12;
  const batchSize = opts.batchSize ?? 256;
  const hidden = opts.hidden ?? [32, 16];
  const rows = withFeatures(transactions);
  const { train, val, test } = splitRows(rows, opts);
  const positives = train.filter((r) => r.label).length;
  if (positives === 0 || positives === train.length)
    throw new PipelabError(
      'INVALID_ARGUMENT',
      `training data needs both classes (got ${positives} fraud of ${train.length} transactions)`,
      { hint: 'train on more transactions, or a fraud rate between 0 and 1 (exclusive)' },
    );

  const spec = fitSpec(train);
  const width = inputWidth(spec);
  const rng = new Rng(opts.seed).fork('train');
  const model = buildNetwork(tf, width, hidden, rng, opts.learningRate ?? 0.003);
  const fit = { epochs, batchSize, width, log: opts.log };
  const finalLoss = await fitEpochs(tf, model, encodeRows(train, spec), train, positives, rng, fit);

  const fm = new FraudModel(opts.version, model, spec, 0.5);
  const vScores = fm.predict(val);
  const chosen = bestF1Threshold(
    vScores,
    val.map((r) => r.label),
  );
  const tScores = fm.predict(test);
  const tLabels = test.map((r) => r.label);
  const at = atThreshold(tScores, tLabels, chosen.threshold);
  const rate = (rs: Row[]) => round(rs.filter((r) => r.label).length / Math.max(1, rs.length));
  const metrics: ModelMetrics = {
    version: opts.version,
    auc: round(rocAuc(tScores, tLabels)),
    threshold: chosen.threshold,
    precision: round(at.precision),
    recall: round(at.recall),
    f1: round(at.f1),
    data: {
      ...opts.data,
      count: rows.length,
      fraudRate: rate(rows),
      testFraudRate: rate(test),
      train: train.length,
      validation: val.length,
      validationFraudRate: rate(val),
      test: test.length,
    },
    training: {
      seed: opts.seed,
      epochs,
      batchSize,
      layers: [width, ...hidden, 1],
      backend,
      finalLoss: round(finalLoss),
    },
    featureSpec: spec,
    columns: columnNames(spec),
  };
  return { model: new FraudModel(opts.version, model, spec, chosen.threshold), metrics };
}

/** held-out parts come from their own streams when given, else from the tail of this one (15 % + 15 %) */
function splitRows(rows: Row[], opts: TrainOptions): { train: Row[]; val: Row[]; test: Row[] } {
  const nVal = opts.validation ? 0 : Math.floor(rows.length * 0.15);
  const nTest = opts.test ? 0 : Math.floor(rows.length * 0.15);
  const nTrain = rows.length - nVal - nTest;
  return {
    train: rows.slice(0, nTrain),
    val: opts.validation ? withFeatures(opts.validation) : rows.slice(nTrain, nTrain + nVal),
    test: opts.test ? withFeatures(opts.test) : rows.slice(nTrain + nVal),
  };
}

/** the MLP: ReLU hidden layers (He init) and a sigmoid output (Glorot), seeded per layer */
function buildNetwork(tf: Tf, width: number, hidden: number[], rng: Rng, learningRate: number): Sequential {
  const seedOf = (i: number) => rng.fork(`layer${i}`).nextU32();
  const model = tf.sequential();
  for (const [i, units] of hidden.entries())
    model.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        inputShape: i === 0 ? [width] : undefined,
        kernelInitializer: tf.initializers.heNormal({ seed: seedOf(i) }),
        biasInitializer: 'zeros',
      }),
    );
  model.add(
    tf.layers.dense({
      units: 1,
      activation: 'sigmoid',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seedOf(hidden.length) }),
    }),
  );
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'binaryCrossentropy' });
  return model;
}

/** one fit per epoch on a shuffle drawn from our Rng (tfjs's shuffle is off); returns the last loss */
async function fitEpochs(
  tf: Tf,
  model: Sequential,
  xAll: Float32Array,
  train: Row[],
  positives: number,
  rng: Rng,
  o: { epochs: number; batchSize: number; width: number; log?: (msg: string) => void },
): Promise<number> {
  const { width } = o;
  const yAll = Float32Array.from(train, (r) => (r.label ? 1 : 0));
  // class weight: fraud is rare; weigh positives up to a quarter of the data's mass (capped)
  const posWeight = Math.min(50, (train.length - positives) / positives / 4);
  const order = Array.from({ length: train.length }, (_, i) => i);
  let finalLoss = Number.NaN;
  for (let e = 0; e < o.epochs; e++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const x = new Float32Array(xAll.length),
      y = new Float32Array(yAll.length);
    order.forEach((src, dst) => {
      x.set(xAll.subarray(src * width, (src + 1) * width), dst * width);
      y[dst] = yAll[src]!;
    });
    const xt = tf.tensor2d(x, [train.length, width]),
      yt = tf.tensor2d(y, [train.length, 1]);
    const h = await model.fit(xt, yt, {
      epochs: 1,
      batchSize: o.batchSize,
      shuffle: false,
      verbose: 0,
      classWeight: { 0: 1, 1: Math.max(1, posWeight) },
    });
    tf.dispose([xt, yt]);
    finalLoss = h.history.loss?.[0] as number;
    o.log?.(`epoch ${e + 1}/${o.epochs} loss ${finalLoss.toFixed(4)}`);
  }
  return finalLoss;
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

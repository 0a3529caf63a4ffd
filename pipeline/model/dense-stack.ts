/**
 * The forward pass of a plain stack of Dense layers (the shipped fraud models: 23-32-16-1, ReLU, ReLU, sigmoid)
 * without LayersModel.predict around it: the tfjs-core kernels each Dense layer calls itself (tfjs-layers' Dense.call:
 * a fused matMul with the bias and the activation when the activation fuses (relu, linear, elu), else a matMul, an add
 * of the bias and the activation), on the same batches of 32 rows predict makes (its default batchSize), so the same
 * float32 scores bit for bit. What predict adds per call (checking and standardising the input, a symbolic graph run
 * per batch, a slice and a concat, its scopes) was the larger part of a 32-row call on the wasm backend.
 *
 * FraudModel (inference.ts) takes this path only for a Sequential of Dense layers whose scores equal predict's on
 * probe rows when it is made; any other model keeps predict.
 */
import type { Tf } from './backend.ts';

/** LayersModel.predict's default batch size: the rows of one forward pass there */
const PREDICT_BATCH = 32;

/** the activations tfjs-layers' Dense fuses into its matMul (mapActivationToFusedKernel) */
const FUSED = new Set(['relu', 'linear', 'elu']);

/** a tfjs-layers Dense layer, as far as its forward pass reads it */
export interface DenseLayer {
  kernel: { read(): Tf.Tensor };
  bias: { read(): Tf.Tensor } | null;
  activation: { getClassName(): string; apply(x: Tf.Tensor): Tf.Tensor };
}

/** the model's layers when it is a Sequential of Dense layers (one input, one output), else undefined */
export function denseLayers(model: Tf.LayersModel): DenseLayer[] | undefined {
  if (model.getClassName() !== 'Sequential' || model.inputs.length !== 1 || model.outputs.length !== 1)
    return undefined;
  const layers = model.layers as unknown as Array<{ getClassName(): string } & Partial<DenseLayer>>;
  if (layers.length === 0) return undefined;
  for (const l of layers) if (l.getClassName() !== 'Dense' || !l.kernel || !l.activation) return undefined;
  return layers as DenseLayer[];
}

/** one Dense layer's call, as tfjs-layers makes it (Dense.call with K.dot and K.biasAdd on a rank-2 input) */
function dense(tf: typeof Tf, l: DenseLayer, input: Tf.Tensor2D): Tf.Tensor2D {
  const kernel = l.kernel.read() as Tf.Tensor2D;
  const act = l.activation.getClassName();
  if (FUSED.has(act))
    return tf.fused.matMul({
      a: input,
      b: kernel,
      transposeA: false,
      transposeB: false,
      bias: l.bias ? l.bias.read() : null,
      activation: act as 'relu' | 'linear' | 'elu',
    } as Parameters<typeof tf.fused.matMul>[0]) as Tf.Tensor2D;
  let out: Tf.Tensor = tf.fused.matMul({
    a: input,
    b: kernel,
    transposeA: false,
    transposeB: false,
    bias: null,
    activation: undefined,
  } as unknown as Parameters<typeof tf.fused.matMul>[0]);
  if (l.bias) out = tf.add(out, l.bias.read());
  return l.activation.apply(out) as Tf.Tensor2D;
}

/**
 * the stack's outputs for `rows` input rows of `width` (row-major), in batches of predict's 32: as
 * `model.predict(tensor2d(x)).dataSync()`
 */
export function denseForward(
  tf: typeof Tf,
  layers: DenseLayer[],
  x: Float32Array,
  rows: number,
  width: number,
): Float32Array {
  const units = layers[layers.length - 1]!.kernel.read().shape[1] as number;
  if (rows <= PREDICT_BATCH) return run(tf, layers, x, rows, width);
  const out = new Float32Array(rows * units);
  for (let start = 0; start < rows; start += PREDICT_BATCH) {
    const n = Math.min(PREDICT_BATCH, rows - start);
    out.set(run(tf, layers, x.subarray(start * width, (start + n) * width), n, width), start * units);
  }
  return out;
}

function run(tf: typeof Tf, layers: DenseLayer[], x: Float32Array, rows: number, width: number): Float32Array {
  return tf.tidy(() => {
    let h = tf.tensor2d(x, [rows, width]);
    for (const l of layers) h = dense(tf, l, h);
    return h.dataSync() as Float32Array;
  });
}

/**
 * whether denseForward gives predict's scores, bit for bit, on probe rows of `width` (batches of 1, 7, 32, 33 and
 * 70 rows, values in [-4, 4) from a fixed sequence)
 */
export function sameAsPredict(tf: typeof Tf, model: Tf.LayersModel, layers: DenseLayer[], width: number): boolean {
  let s = 12345;
  for (const rows of [1, 7, 32, 33, 70]) {
    const x = new Float32Array(rows * width);
    for (let i = 0; i < x.length; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      x[i] = (s / 2 ** 32) * 8 - 4;
    }
    const theirs = tf.tidy(() => (model.predict(tf.tensor2d(x, [rows, width])) as Tf.Tensor).dataSync());
    const ours = denseForward(tf, layers, x, rows, width);
    if (ours.length !== theirs.length) return false;
    for (let i = 0; i < ours.length; i++) if (!Object.is(ours[i], theirs[i])) return false;
  }
  return true;
}

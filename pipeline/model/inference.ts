/**
 * A loaded fraud model: a tfjs LayersModel plus the feature spec it was trained with and its
 * decision threshold. `predict` scores a batch in one forward pass (batching is what makes tfjs
 * fast: ~0.12 ms overhead per call regardless of rows, see DESIGN.md ceilings); a plain stack of Dense layers (the
 * shipped models) runs their kernels without predict's wrapping, with the same scores (dense-stack.ts).
 */
import type { ScoringInput } from '../types.ts';
import { tfjs, type Tf } from './backend.ts';
import { type DenseLayer, denseForward, denseLayers, sameAsPredict } from './dense-stack.ts';
import { encodeRows, inputWidth, type FeatureSpec } from './encode.ts';

export class FraudModel {
  /** its Dense layers, scored without predict's wrapping (dense-stack.ts) when that gives predict's scores */
  private readonly stack: DenseLayer[] | undefined;

  constructor(
    readonly version: string,
    readonly model: Tf.LayersModel,
    readonly spec: FeatureSpec,
    /** score ≥ threshold → fraud */
    readonly threshold: number,
  ) {
    const layers = denseLayers(model);
    this.stack = layers && sameAsPredict(tfjs(), model, layers, inputWidth(spec)) ? layers : undefined;
  }

  /** fraud probability for each row, in order */
  predict(rows: readonly ScoringInput[]): Float32Array {
    if (rows.length === 0) return new Float32Array(0);
    const x = encodeRows(rows, this.spec);
    const tf = tfjs();
    if (this.stack) return denseForward(tf, this.stack, x, rows.length, inputWidth(this.spec));
    return tf.tidy(() => {
      const out = this.model.predict(tf.tensor2d(x, [rows.length, inputWidth(this.spec)])) as Tf.Tensor;
      return out.dataSync() as Float32Array;
    });
  }

  dispose(): void {
    this.model.dispose();
  }
}

/**
 * Drifting streams carry their ground truth: where each drift starts and ends, its shape and
 * what changed. Evaluation (harness/drift-lab) matches detector alarms against these.
 */
export type DriftShape = 'sudden' | 'gradual' | 'incremental' | 'recurring';
/** covariate: P(x) moved; concept: P(y | x) moved; label: P(y) moved */
export type DriftTarget = 'covariate' | 'concept' | 'label';

export interface DriftGroundTruth {
  /** first index affected (for MOA's sigmoid: position − width/2) */
  onset: number;
  /** last index of the transition (= onset for sudden drift) */
  end: number;
  /** end − onset */
  width: number;
  shape: DriftShape;
  target: DriftTarget;
  /** free text: "mean 0→1", "SEA θ 8→9", ... */
  note?: string;
}

/** one labelled observation of a classification stream */
export interface Sample {
  x: number[];
  y: number;
  /** index of the concept that produced it */
  concept: number;
}

/** a concept: draws x and labels it (noise included) */
export interface Concept {
  readonly name: string;
  readonly features: readonly string[];
  /** draw one labelled sample; `t` lets time-varying concepts (rotating hyperplane) move */
  sample(rng: import('../rng.ts').Rng, t: number): { x: number[]; y: number };
  /** the noise-free label this concept gives x (the "old model" for error streams) */
  label(x: readonly number[]): number;
}

export interface ClassificationStream {
  name: string;
  features: readonly string[];
  samples: Sample[];
  drifts: DriftGroundTruth[];
  seed: number;
}

export interface NumericStream {
  name: string;
  values: Float64Array;
  drifts: DriftGroundTruth[];
  seed: number;
}

export interface CategoricalStream {
  name: string;
  categories: readonly string[];
  /** category index per observation */
  values: Int32Array;
  drifts: DriftGroundTruth[];
  seed: number;
}

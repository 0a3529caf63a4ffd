/** Drifting synthetic streams with ground truth (pure: seeded Rng, no I/O). */
export type * from './types.ts';
export { seaConcept, SEA_THRESHOLDS } from './sea.ts';
export { staggerConcept } from './stagger.ts';
export { agrawalConcept, AGRAWAL_FEATURES } from './agrawal.ts';
export { hyperplaneConcept, hyperplaneStream, type HyperplaneOptions } from './hyperplane.ts';
export { conceptDriftStream, errorStream, type ConceptDriftOptions } from './concept-drift-stream.ts';
export { numericDriftStream, type NumericDrift, type NumericStreamOptions, type NormalParams } from './univariate.ts';
export { categoricalDriftStream, type CategoricalStreamOptions } from './categorical.ts';
export { labelDriftStream, type LabelDriftOptions } from './label.ts';

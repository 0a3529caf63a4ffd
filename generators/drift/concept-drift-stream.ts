/**
 * MOA's ConceptDriftStream generalised to several drifts: concept i+1 takes over from concept i
 * around `drifts[i].position` with MOA's sigmoid of width `drifts[i].width` (0 = sudden).
 * Nesting as MOA does (CDS(c0, CDS(c1, c2))): at time t we move past drift i with probability
 * P_i(t) and stop at the first drift not passed. Each sample records the concept it came from.
 */
import { Rng } from '../rng.ts';
import { sigmoidProbability, sigmoidTruth } from './sigmoid.ts';
import type { ClassificationStream, Concept, DriftTarget, Sample } from './types.ts';

export interface ConceptDriftOptions {
  seed: number;
  n: number;
  concepts: Concept[];
  /** one per transition (concepts.length − 1 of them), in time order */
  drifts: Array<{ position: number; width?: number }>;
  name?: string;
  target?: DriftTarget;
}

export function conceptDriftStream(opts: ConceptDriftOptions): ClassificationStream {
  const { concepts, drifts, n } = opts;
  if (concepts.length !== drifts.length + 1)
    throw new RangeError('conceptDriftStream needs one drift per transition (concepts.length − 1)');
  for (let i = 1; i < drifts.length; i++) {
    if ((drifts[i] as { position: number }).position < (drifts[i - 1] as { position: number }).position)
      throw new RangeError('drift positions must be in time order');
  }
  const root = new Rng(opts.seed);
  const choose = root.fork('choose');
  const draw = root.fork('draw');
  const samples: Sample[] = new Array(n);
  for (let t = 0; t < n; t++) {
    let c = 0;
    while (c < drifts.length) {
      const d = drifts[c] as { position: number; width?: number };
      if (choose.next() < sigmoidProbability(t, d.position, d.width ?? 0)) c++;
      else break;
    }
    const { x, y } = (concepts[c] as Concept).sample(draw, t);
    samples[t] = { x, y, concept: c };
  }
  const target = opts.target ?? 'concept';
  return {
    name: opts.name ?? concepts.map((c) => c.name).join('→'),
    features: (concepts[0] as Concept).features,
    samples,
    drifts: drifts.map((d, i) =>
      sigmoidTruth(d.position, d.width ?? 0, target, `${concepts[i]!.name}→${concepts[i + 1]!.name}`),
    ),
    seed: opts.seed,
  };
}

/**
 * The error stream (1 = wrong) of a fixed model that learned concept 0 perfectly: the input
 * for error-rate detectors (DDM, EDDM, HDDM_A) on a concept-drift stream.
 */
export function errorStream(stream: ClassificationStream, model: Concept): Float64Array {
  const out = new Float64Array(stream.samples.length);
  stream.samples.forEach((s, i) => {
    out[i] = model.label(s.x) === s.y ? 0 : 1;
  });
  return out;
}

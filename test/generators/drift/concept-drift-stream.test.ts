import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { conceptDriftStream, errorStream } from '../../../generators/drift/concept-drift-stream.ts';
import { seaConcept } from '../../../generators/drift/sea.ts';
import { sigmoidProbability } from '../../../generators/drift/sigmoid.ts';

const sea = [0, 1, 2, 3].map((v) => seaConcept(v));

test("MOA's sigmoid is ½ at the position and ≈0.12/0.88 at ±width/2", () => {
  assert.is(sigmoidProbability(500, 500, 100), 0.5);
  assert.ok(Math.abs(sigmoidProbability(450, 500, 100) - 1 / (1 + Math.E ** 2)) < 1e-15);
  assert.is(sigmoidProbability(499, 500, 0), 0);
  assert.is(sigmoidProbability(500, 500, 0), 1);
});

test('sudden drifts switch concept exactly at the positions and record the truth', () => {
  const s = conceptDriftStream({
    seed: 1,
    n: 3000,
    concepts: sea.slice(0, 3),
    drifts: [{ position: 1000 }, { position: 2000 }],
  });
  assert.is(s.samples[999]!.concept, 0);
  assert.is(s.samples[1000]!.concept, 1);
  assert.is(s.samples[2000]!.concept, 2);
  assert.equal(
    s.drifts.map((d) => [d.onset, d.end, d.shape]),
    [
      [1000, 1000, 'sudden'],
      [2000, 2000, 'sudden'],
    ],
  );
});

test('a gradual drift mixes the concepts over its width', () => {
  const s = conceptDriftStream({
    seed: 2,
    n: 4000,
    concepts: sea.slice(0, 2),
    drifts: [{ position: 2000, width: 1000 }],
  });
  const share = (a: number, b: number): number => s.samples.slice(a, b).filter((x) => x.concept === 1).length / (b - a);
  assert.ok(share(0, 1000) < 0.05);
  assert.ok(Math.abs(share(1900, 2100) - 0.5) < 0.12);
  assert.ok(share(3000, 4000) > 0.95);
  assert.equal([s.drifts[0]!.onset, s.drifts[0]!.end, s.drifts[0]!.shape], [1500, 2500, 'gradual']);
});

test('the same seed gives the same stream', () => {
  const a = conceptDriftStream({ seed: 5, n: 500, concepts: sea.slice(0, 2), drifts: [{ position: 250, width: 50 }] });
  const b = conceptDriftStream({ seed: 5, n: 500, concepts: sea.slice(0, 2), drifts: [{ position: 250, width: 50 }] });
  assert.equal(a.samples, b.samples);
});

test('the error stream of the old concept jumps after a concept drift', () => {
  const s = conceptDriftStream({ seed: 3, n: 20000, concepts: [sea[0]!, sea[3]!], drifts: [{ position: 10000 }] });
  const e = errorStream(s, sea[0]!);
  const rate = (a: number, b: number): number => e.slice(a, b).reduce((x, y) => x + y, 0) / (b - a);
  assert.is(rate(0, 10000), 0);
  assert.ok(rate(10000, 20000) > 0.1);
});

test.run();

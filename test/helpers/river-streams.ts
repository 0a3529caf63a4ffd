/** River's docstring streams, regenerated with Python's random into the drift fixture. */
import { readFileSync } from 'node:fs';
import type { StreamingDetector } from '../../pipeline/drift/streaming/types.ts';

const ref = JSON.parse(readFileSync(new URL('../fixtures/drift/reference.json', import.meta.url), 'utf8'));

/** random.Random(12345): choices([0,1], k=1000) + choices(range(4,8), k=1000) */
export const stream12345: number[] = [...(ref.riverStreams.random12345 as string)].map(Number);
/** random.Random(42): choices([0,1], k=1000) + choices([0,1], k=1000, weights=[0.3,0.7]) */
export const binary42: number[] = [...(ref.riverStreams.random42binary as string)].map(Number);
export const pythonSample42of70: number[] = ref.pythonSample42of70;

export function driftIndices(det: StreamingDetector, xs: readonly number[]): number[] {
  const out: number[] = [];
  xs.forEach((x, i) => {
    det.update(x);
    if (det.driftDetected) out.push(i);
  });
  return out;
}

/** River's docstring loop for binary detectors: first warning after each drift, and drifts */
export function docstringEvents(det: StreamingDetector, xs: readonly number[]): string[] {
  const ev: string[] = [];
  let printWarning = true;
  xs.forEach((x, i) => {
    det.update(x);
    if (det.warningDetected && printWarning) {
      ev.push(`warning ${i}`);
      printWarning = false;
    }
    if (det.driftDetected) {
      ev.push(`drift ${i}`);
      printWarning = true;
    }
  });
  return ev;
}

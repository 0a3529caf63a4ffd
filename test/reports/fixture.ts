// Shared by the report suites: the hand-made RunSummary in test/fixtures/summary.json.
import { readFileSync } from 'node:fs';
import type { RunSummary } from '../../harness/results/types.ts';

export function loadFixture(): RunSummary {
  return JSON.parse(readFileSync(new URL('../fixtures/summary.json', import.meta.url), 'utf8')) as RunSummary;
}

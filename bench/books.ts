/**
 * The pipeline target's exact books (EventLedger with its DeliveryChecker) per event: bytes kept
 * and time spent, the compact books (harness/checkers/compact.ts) beside the map books they
 * replaced (test/helpers/books-reference.ts), measured side by side in one run. Each event lives
 * as in a pipeline run: sent with its user key, acknowledged, decided with its source position.
 *   npx tsx bench/books.ts               (≈ 20 s)
 *   npx tsx bench/books.ts --quick       (≈ 5 s; or PIPELAB_BENCH_QUICK=1)
 * Bytes are what stays reachable after a full GC (heap used + array buffers), divided by the
 * events; a soak at 2,500/s for 30 minutes keeps 4.5M events. Target: ≤ 32 B per event.
 */
import './help.ts';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { EventLedger } from '../harness/targets/pipeline/accounting.ts';
import { MapEventLedger } from '../test/helpers/books-reference.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const quick = process.argv.includes('--quick') || process.env.PIPELAB_BENCH_QUICK === '1';
const N = quick ? 200_000 : 1_000_000;
const USERS = 10_000;
const PARTITIONS = 12;

type Books = EventLedger | MapEventLedger;

function used(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** N events through the books: bytes kept per event, ns per event, and the closed books' findings */
function run(make: () => Books): { bytes: number; ns: number; lost: number } {
  const keys = Array.from({ length: USERS }, (_, u) => `u${u}`);
  const offsets = new Array<number>(PARTITIONS).fill(0);
  const before = used();
  const books = make();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    const id = `t1a-${i}`;
    const p = i % PARTITIONS;
    books.produced(id, false, keys[(i * 7919) % USERS]);
    books.acked(id);
    books.decided(id, 'model', 'v1', { partition: p, offset: offsets[p]!++, via: `fraud-decisions/${p}` });
  }
  const ns = Number(process.hrtime.bigint() - t0) / N;
  const bytes = (used() - before) / N;
  const lost = books.finish(0).missing ?? -1;
  return { bytes, ns, lost };
}

const rows: [string, ReturnType<typeof run>][] = [];
for (let round = 0; round < 2; round++) {
  // compact first, then the maps, alternating rounds: neither always runs on a warmer heap
  const order: [string, () => Books][] =
    round % 2 === 0
      ? [
          ['compact books', () => new EventLedger()],
          ['map books (before)', () => new MapEventLedger()],
        ]
      : [
          ['map books (before)', () => new MapEventLedger()],
          ['compact books', () => new EventLedger()],
        ];
  for (const [label, make] of order) rows.push([label, run(make)]);
}

const best = (label: string) => {
  const r = rows.filter(([l]) => l === label).map(([, x]) => x);
  return { bytes: Math.min(...r.map((x) => x.bytes)), ns: Math.min(...r.map((x) => x.ns)), lost: r[0]!.lost };
};
const compact = best('compact books');
const map = best('map books (before)');
console.log(`books per event, ${N.toLocaleString('en')} events (sent, acked, decided with a source position)`);
for (const [label, r] of [
  ['map books (before)', map],
  ['compact books', compact],
] as const)
  console.log(
    `  ${label.padEnd(20)} ${r.bytes.toFixed(1).padStart(7)} B/event  ` +
      `${r.ns.toFixed(0).padStart(6)} ns/event  missing ${r.lost}`,
  );
console.log(
  `  ratio                ${(map.bytes / compact.bytes).toFixed(1).padStart(7)}× fewer bytes  ` +
    `${(map.ns / compact.ns).toFixed(2)}× the speed`,
);
console.log(
  `  at 2,500/s for 30 min (4.5M events): ${((map.bytes * 4.5e6) / 2 ** 20).toFixed(0)} MB before, ` +
    `${((compact.bytes * 4.5e6) / 2 ** 20).toFixed(0)} MB now`,
);

/**
 * A single FIFO station with c servers driven by the event queue: the self-check that the
 * simulation engine reproduces queueing theory (M/M/1, M/M/c, M/D/1; see theory.ts).
 * Arrivals are Poisson(λ); service is exponential(μ) or deterministic 1/μ. Time unit is whatever
 * λ and μ are per (seconds in the CLI).
 */
import { Rng } from '../../generators/rng.ts';
import { PipelabError } from '../../errors.ts';
import { EventQueue } from './heap.ts';
import { NumberFifo } from './ring.ts';
import { analytic, type QueueFigures, type QueueModel } from './theory.ts';
import { meanInterval } from './uncertainty.ts';

export interface QueueSimOptions {
  model: QueueModel;
  lambda: number;
  mu: number;
  /** servers c (mmc only; mm1 and md1 have one) */
  servers?: number;
  /** customers to simulate (default 1,000,000) */
  events?: number;
  seed?: number;
  /** share of the first customers left out of the wait figures (default 0.05) */
  warmupFraction?: number;
  /** batches for the batch-means confidence interval (default 20) */
  batches?: number;
}

export interface QueueSimResult {
  model: QueueModel;
  lambda: number;
  mu: number;
  servers: number;
  customers: number;
  seed: number;
  simulated: QueueFigures;
  analytic: QueueFigures;
  /** (simulated − analytic) / analytic per figure */
  relativeError: Record<keyof QueueFigures, number>;
  /** 95 % batch-means half-width of the mean wait */
  meanWaitHalfWidth95: number;
  /** Little's law over the whole horizon: time-average number in system vs observed λ × W */
  little: { L: number; lambdaW: number; relativeError: number };
  /** events popped from the event queue */
  eventsProcessed: number;
}

const ARRIVAL = 0,
  DEPARTURE = 1;

function validateQueueOptions(o: QueueSimOptions): Required<QueueSimOptions> {
  const issues: { path: string; message: string }[] = [];
  const model = o.model;
  if (model !== 'mm1' && model !== 'mmc' && model !== 'md1')
    issues.push({ path: '--model', message: `must be mm1, mmc or md1, got ${JSON.stringify(model)}` });
  if (!(o.lambda > 0) || !Number.isFinite(o.lambda))
    issues.push({ path: '--lambda', message: `arrival rate must be a positive number, got ${o.lambda}` });
  if (!(o.mu > 0) || !Number.isFinite(o.mu))
    issues.push({ path: '--mu', message: `service rate must be a positive number, got ${o.mu}` });
  const servers = model === 'mmc' ? (o.servers ?? 1) : 1;
  if (!Number.isInteger(servers) || servers < 1)
    issues.push({ path: '--servers', message: `must be a whole number ≥ 1, got ${o.servers}` });
  const events = o.events ?? 1_000_000;
  if (!Number.isInteger(events) || events < 1000)
    issues.push({ path: '--events', message: `must be a whole number ≥ 1000, got ${o.events}` });
  const batches = o.batches ?? 20;
  const warmupFraction = o.warmupFraction ?? 0.05;
  if (!(warmupFraction >= 0 && warmupFraction < 0.5))
    issues.push({ path: 'warmupFraction', message: 'must be in [0, 0.5)' });
  if (issues.length)
    throw new PipelabError('INVALID_ARGUMENT', 'invalid queue model parameters', {
      issues,
      hint: 'e.g. pipelab sim queue --model mmc --lambda 40 --mu 10 --servers 5',
    });
  if (o.lambda >= servers * o.mu) {
    const need = Math.floor(o.lambda / o.mu) + 1;
    throw new PipelabError(
      'INVALID_ARGUMENT',
      `unstable queue: --lambda ${o.lambda} ≥ --servers × --mu = ${servers * o.mu} (utilisation ` +
        `${(o.lambda / (servers * o.mu)).toFixed(2)} ≥ 1), so the queue grows without bound and has no steady state`,
      {
        issues: [{ path: '--lambda', message: `must be below ${servers * o.mu}` }],
        hint:
          model === 'mmc'
            ? `lower --lambda below ${servers * o.mu}, raise --mu above ` +
              `${(o.lambda / servers).toFixed(3)}, or use --servers ${need} or more`
            : `lower --lambda below ${o.mu} or raise --mu above ` +
              `${o.lambda}${model === 'mm1' ? ` (or use --model mmc with --servers ${need})` : ''}`,
      },
    );
  }
  return { model, lambda: o.lambda, mu: o.mu, servers, events, seed: o.seed ?? 1, warmupFraction, batches };
}

export function simulateQueue(options: QueueSimOptions): QueueSimResult {
  const o = validateQueueOptions(options);
  const { lambda, mu, servers: c, events: N } = o;
  const root = new Rng(o.seed);
  const arrivals = root.fork('arrivals');
  const service = root.fork('service');
  const deterministic = o.model === 'md1';
  const serviceTime = (): number => (deterministic ? 1 / mu : -Math.log(service.nextOpen()) / mu);

  const q = new EventQueue(64);
  const waiting = new NumberFifo(1024);
  const warm = Math.floor(N * o.warmupFraction);
  const perBatch = Math.floor((N - warm) / o.batches);
  const batchSums = new Float64Array(o.batches);

  let arrived = 0,
    started = 0,
    busy = 0,
    inSystem = 0;
  let lastT = 0,
    area = 0,
    busyArea = 0;
  let sumWait = 0,
    waited = 0,
    sumResp = 0,
    measured = 0;
  let allResp = 0;
  let popped = 0;

  q.push(arrivals.exponential(lambda), ARRIVAL, 0);
  arrived = 1;
  const start = (now: number, arrivedAt: number): void => {
    const s = serviceTime();
    const wait = now - arrivedAt;
    const idx = started++;
    allResp += wait + s;
    if (idx >= warm) {
      const k = idx - warm;
      sumWait += wait;
      sumResp += wait + s;
      if (wait > 0) waited++;
      measured++;
      const b = Math.floor(k / perBatch);
      if (b < o.batches) batchSums[b]! += wait;
    }
    q.push(now + s, DEPARTURE, 0);
  };

  while (q.pop()) {
    popped++;
    const t = q.poppedTime;
    area += inSystem * (t - lastT);
    busyArea += busy * (t - lastT);
    lastT = t;
    if (q.poppedKind === ARRIVAL) {
      inSystem++;
      if (busy < c) {
        busy++;
        start(t, t);
      } else waiting.push(t);
      if (arrived < N) {
        q.push(t + arrivals.exponential(lambda), ARRIVAL, 0);
        arrived++;
      }
    } else {
      inSystem--;
      if (waiting.size > 0) start(t, waiting.shift());
      else busy--;
    }
  }

  const T = lastT;
  const simulated: QueueFigures = {
    meanWait: sumWait / measured,
    meanResponse: sumResp / measured,
    pWait: waited / measured,
    utilisation: busyArea / (T * c),
    meanInSystem: area / T,
  };
  const theory = analytic(o.model, lambda, mu, c);
  const rel = {} as Record<keyof QueueFigures, number>;
  for (const k of Object.keys(theory) as (keyof QueueFigures)[]) rel[k] = (simulated[k] - theory[k]) / theory[k];
  const halfWidth = batchMeansHalfWidth(batchSums, perBatch);
  const lambdaHat = N / T;
  const lambdaW = lambdaHat * (allResp / N);
  return {
    model: o.model,
    lambda,
    mu,
    servers: c,
    customers: N,
    seed: o.seed,
    simulated,
    analytic: theory,
    relativeError: rel,
    meanWaitHalfWidth95: halfWidth,
    little: { L: area / T, lambdaW, relativeError: (area / T - lambdaW) / lambdaW },
    eventsProcessed: popped,
  };
}

/** batch means: each batch's mean wait, their spread → a 95 % t interval's half width */
function batchMeansHalfWidth(batchSums: Float64Array, perBatch: number): number {
  const { mean, hi } = meanInterval(Array.from(batchSums, (s) => s / perBatch));
  return hi - mean;
}

/**
 * Closed-form results for single-station queues: the oracles the simulator is checked against.
 * Rates are per unit time (any unit, used consistently); times come out in the same unit.
 *   M/M/1: ρ = λ/μ, W = 1/(μ − λ), Wq = ρ/(μ − λ), P(wait) = ρ.
 *   M/M/c: Erlang C, Wq = C/(cμ − λ), P(Wq > t) = C·e^(−(cμ−λ)t).
 *   M/D/1: Pollaczek–Khinchine with zero service variance, Wq = ρ/(2μ(1 − ρ)), P(wait) = ρ.
 * Little's law L = λW ties the time averages together.
 */
export type QueueModel = 'mm1' | 'mmc' | 'md1';

export interface QueueFigures {
  /** mean time waiting before service */
  meanWait: number;
  /** mean time in system (wait + service) */
  meanResponse: number;
  /** probability that an arrival waits at all */
  pWait: number;
  /** server utilisation ρ = λ / (cμ) */
  utilisation: number;
  /** mean number in system (Little: λ · meanResponse) */
  meanInSystem: number;
}

/** Erlang C: probability an arrival waits in M/M/c (stable recurrence, no factorials) */
export function erlangC(c: number, a: number): number {
  // Erlang B by recurrence B(0)=1, B(k) = a·B(k−1)/(k + a·B(k−1)); then C = B / (1 − ρ(1 − B))
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  const rho = a / c;
  return b / (1 - rho * (1 - b));
}

export function mm1(lambda: number, mu: number): QueueFigures {
  const rho = lambda / mu;
  const w = 1 / (mu - lambda);
  return { meanWait: rho / (mu - lambda), meanResponse: w, pWait: rho, utilisation: rho, meanInSystem: lambda * w };
}

export function mmc(lambda: number, mu: number, c: number): QueueFigures {
  const a = lambda / mu;
  const C = erlangC(c, a);
  const wq = C / (c * mu - lambda);
  return {
    meanWait: wq,
    meanResponse: wq + 1 / mu,
    pWait: C,
    utilisation: a / c,
    meanInSystem: lambda * (wq + 1 / mu),
  };
}

export function md1(lambda: number, mu: number): QueueFigures {
  const rho = lambda / mu;
  const wq = rho / (2 * mu * (1 - rho));
  return {
    meanWait: wq,
    meanResponse: wq + 1 / mu,
    pWait: rho,
    utilisation: rho,
    meanInSystem: lambda * (wq + 1 / mu),
  };
}

/** M/M/c tail: P(Wq > t) */
export function mmcWaitTail(lambda: number, mu: number, c: number, t: number): number {
  return erlangC(c, lambda / mu) * Math.exp(-(c * mu - lambda) * t);
}

export function analytic(model: QueueModel, lambda: number, mu: number, servers = 1): QueueFigures {
  if (model === 'mm1') return mm1(lambda, mu);
  if (model === 'md1') return md1(lambda, mu);
  return mmc(lambda, mu, servers);
}

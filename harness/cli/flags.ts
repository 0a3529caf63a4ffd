/**
 * Parsing of the run flags shared by `pipelab run` and `pipelab validate`. Every bad value throws
 * a PipelabError naming the flag and the accepted form; all problems are reported at once.
 */
import { PipelabError } from '../errors.ts';
import type { Issue } from '../errors.ts';
import type { ScenarioOverrides } from '../runner/api.ts';
import { tryParseDuration } from '../scenario/duration.ts';

export interface RunFlags {
  seed?: string;
  duration?: string;
  rate?: string;
  kafka?: string;
  redis?: string;
}

/** turns raw flag strings into ScenarioOverrides, or throws one PipelabError listing every bad flag */
export function parseOverrides(flags: RunFlags): ScenarioOverrides {
  const issues: Issue[] = [];
  const o: ScenarioOverrides = {};
  if (flags.seed !== undefined) {
    const s = flags.seed.trim();
    if (s === '') issues.push({ path: '--seed', message: 'expected an integer ≥ 0 or a word, e.g. --seed 42' });
    else if (/^-?\d+(\.\d+)?$/.test(s)) {
      const n = Number(s);
      if (!Number.isSafeInteger(n) || n < 0) issues.push({ path: '--seed', message: `${JSON.stringify(flags.seed)} is not an integer ≥ 0, e.g. --seed 42` });
      else o.seed = n;
    } else o.seed = s;
  }
  if (flags.duration !== undefined) {
    const ms = tryParseDuration(flags.duration);
    if (ms === undefined || ms <= 0) issues.push({ path: '--duration', message: `${JSON.stringify(flags.duration)} is not a positive duration: use <number><unit> with units ms, s, m, h, e.g. --duration 30s or 1m30s` });
    else o.duration = flags.duration.trim();
  }
  if (flags.rate !== undefined) {
    const r = Number(flags.rate);
    if (flags.rate.trim() === '' || !Number.isFinite(r) || r <= 0) issues.push({ path: '--rate', message: `${JSON.stringify(flags.rate)} is not a positive number of iterations per second, e.g. --rate 500` });
    else o.rate = r;
  }
  const services: Record<string, string> = {};
  for (const name of ['kafka', 'redis'] as const) {
    const v = flags[name];
    if (v === undefined) continue;
    if (v.trim() === '') issues.push({ path: `--${name}`, message: `expected ${name === 'kafka' ? 'bootstrap servers, e.g. --kafka localhost:9092' : 'a Redis URL, e.g. --redis redis://127.0.0.1:6379'} (set by the flag or by PIPELAB_${name.toUpperCase()})` });
    else services[name] = v.trim();
  }
  if (Object.keys(services).length) o.services = services;
  if (issues.length) {
    throw new PipelabError('INVALID_ARGUMENT', issues.length === 1 ? `invalid flag ${issues[0]!.path}` : `${issues.length} invalid flags`, {
      issues,
      hint: 'run `pipelab run --help` for the accepted forms',
    });
  }
  return o;
}

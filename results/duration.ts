/**
 * Durations, one grammar for every reader (scenario fields, executor plans, threshold windows,
 * CLI flags, calibration): k6 duration strings, one or more `<number><unit>` parts with units
 * ms, s, m, h ('500ms', '30s', '2m', '1h30m', '1.5s', '1m30s250ms'); '0' alone means zero.
 *
 *   duration := '0' | ( number unit )+        number := digits [ '.' digits ]
 *   unit     := 'ms' | 's' | 'm' | 'h'        (whitespace around the whole string is ignored)
 *
 * Three ways to call the same parser: `parseDurationResult` (a Result, for validators that
 * collect every problem), `tryParseDuration` (undefined when invalid) and `parseDuration`
 * (throws a PipelabError, for values validated before).
 */
import { PipelabError } from '../errors.ts';

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export type DurationResult = { ok: true; value: number } | { ok: false; message: string };

/** ms, or undefined when the text is not a duration */
export function tryParseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '0') return 0;
  if (s.length === 0) return undefined;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    PART.lastIndex = pos;
    const m = PART.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    pos = PART.lastIndex;
  }
  return total;
}

const notADuration = (text: string): string => `"${text}" is not a duration: write e.g. 500ms, 10s, 1m30s, 2h`;

/** ms, or a message saying what a duration looks like */
export function parseDurationResult(text: string): DurationResult {
  const ms = tryParseDuration(text);
  return ms === undefined ? { ok: false, message: notADuration(text) } : { ok: true, value: ms };
}

/** ms; throws a PipelabError (INVALID_ARGUMENT) when the text is not a duration */
export function parseDuration(text: string): number {
  const ms = tryParseDuration(text);
  if (ms === undefined)
    throw new PipelabError('INVALID_ARGUMENT', notADuration(text), {
      hint: 'durations are k6 strings: a number and a unit (ms, s, m, h), parts may follow each other (1m30s)',
    });
  return ms;
}

/** ms → shortest k6 duration string ('1m30s', '250ms') */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (!Number.isInteger(ms) || ms % 1000 !== 0) return `${+ms.toFixed(3)}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}

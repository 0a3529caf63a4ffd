/**
 * Decimal digits without Number → string conversions in hot paths: ids numbered 0, 1, 2, … and
 * epoch-ms times change only in their last digits from one event to the next, so the digits
 * above the last three are formatted once per thousand and the last three come from a table.
 */
import { z } from 'zod';
import { randomBytes } from 'node:crypto';

/**
 * A run's mark in a generator's ids. Ids are numbered from the seed (`t<seed>-<n>`), so two runs of
 * one seed send the same ids; a broker and a pipeline that outlive a run (a Kafka of one's own, a
 * processor deduplicating by id from its changelog) then take the second run's events for
 * redeliveries of the first's and drop every one. The pipeline target marks its ids with a fresh
 * scope (newIdScope) whenever its Kafka is not the run's own embedded broker.
 */
export const ID_SCOPE = z.string().regex(/^[0-9a-z]{1,16}$/, 'lower-case letters and digits, 1-16 of them');

/** a scope no other run has drawn (32 random bits, base 36) */
export function newIdScope(): string {
  return randomBytes(4).readUInt32BE(0).toString(36);
}

/** the prefix SeqIds numbers from: `<head>-`, or with a scope `<head>.<scope>-` */
export const scopedPrefix = (head: string, scope?: string): string => `${head}${scope ? `.${scope}` : ''}-`;

/** '000' … '999' */
export const PAD3: readonly string[] = Array.from({ length: 1000 }, (_, i) => `${i}`.padStart(3, '0'));
/** '0' … '999' */
export const NUM3: readonly string[] = Array.from({ length: 1000 }, (_, i) => `${i}`);
/** [k][f]: the fraction f / 10^k as JSON writes it after the whole part ('', '.5', '.05'), k ≤ 3 */
export const FRACTION: readonly (readonly string[])[] = [0, 1, 2, 3].map((k) =>
  Array.from({ length: 10 ** k }, (_, f) => (f === 0 ? '' : `.${`${f}`.padStart(k, '0').replace(/0+$/, '')}`)),
);

/** prefix + n (n a non-negative safe integer), the same string as `${prefix}${n}` */
export class SeqIds {
  private hi = -1;
  private head = '';
  constructor(private readonly prefix: string) {}
  id(n: number): string {
    if (n < 1000) return this.prefix + n;
    const hi = Math.floor(n / 1000);
    if (hi !== this.hi) {
      this.hi = hi;
      this.head = this.prefix + hi;
    }
    return this.head + PAD3[n - hi * 1000]!;
  }
}

/**
 * Decimal digits without Number → string conversions in hot paths: ids numbered 0, 1, 2, … and
 * epoch-ms times change only in their last digits from one event to the next, so the digits
 * above the last three are formatted once per thousand and the last three come from a table.
 */

/** '000' … '999' */
export const PAD3: readonly string[] = Array.from({ length: 1000 }, (_, i) => `${i}`.padStart(3, '0'));

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

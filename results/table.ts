/**
 * Aligned plain-text tables, the one layout every text report of results uses (run comparison,
 * calibration, the drift lab's evaluation and compare): each column as wide as its widest cell
 * (header included), columns two spaces apart, no trailing blanks, an optional rule of dashes
 * under the header. Pure; cells are already formatted strings.
 */

export type Align = 'left' | 'right';

export interface TextTableOptions {
  /** alignment per column (default: left; numbers read best right-aligned) */
  align?: readonly Align[];
  /** a line of dashes under the header, one run per column */
  rule?: boolean;
}

export function textTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  opts: TextTableOptions = {},
): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]): string =>
    widths
      .map((w, c) => {
        const cell = r[c] ?? '';
        return opts.align?.[c] === 'right' ? cell.padStart(w) : cell.padEnd(w);
      })
      .join('  ')
      .trimEnd();
  const out = [line(header)];
  if (opts.rule) out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) out.push(line(r));
  return out.join('\n');
}

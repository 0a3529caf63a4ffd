/**
 * Live progress of a run for the CLI. On a TTY: one line redrawn in place (elapsed/total,
 * iterations, rate, p99, errors, VUs, dropped). Otherwise (CI logs, pipes): a plain line every
 * `intervalMs` (5 s), so logs stay readable. Always on stderr: stdout carries the summary.
 * The clock is injected so the throttling is testable without waiting.
 */
import type { Progress } from '../runner/api.ts';

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressPrinterOptions {
  stream: ProgressStream;
  /** default: stream.isTTY */
  tty?: boolean;
  /** non-TTY: print at most one line per interval; default 5000 ms */
  intervalMs?: number;
  now?: () => number;
}

const fmtDur = (ms: number) => {
  const s = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(s / 60);
  return m ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};
const fmtP99 = (ms: number) =>
  ms >= 1000 ? `${(ms / 1000).toFixed(2)}s` : ms >= 10 ? `${ms.toFixed(0)}ms` : `${ms.toFixed(1)}ms`;

/** the figures of one progress update as one line, without a bar */
export function progressLine(p: Progress): string {
  const total = p.totalMs > 0 ? `/${fmtDur(p.totalMs)}` : '';
  const phase = p.phase === 'steady' ? '' : ` ${p.phase}`;
  const iters = p.iterations.toLocaleString('en-US');
  return (
    `${fmtDur(p.elapsedMs)}${total}${phase}  iters=${iters}  rate=${p.ratePerSec.toFixed(0)}/s  ` +
    `p99=${fmtP99(p.p99Ms)}  errors=${p.errors}  vus=${p.vus}  dropped=${p.dropped}`
  );
}

/** a 20-cell bar for elapsed/total, or an empty string when the total is unknown */
export function progressBar(p: Progress, width = 20): string {
  if (!(p.totalMs > 0)) return '';
  const share = Math.min(1, Math.max(0, p.elapsedMs / p.totalMs));
  const full = Math.round(share * width);
  const head = full > 0 ? (full === width ? '=' : '>') : '';
  const bar = `${'='.repeat(Math.max(0, full - 1))}${head}${' '.repeat(width - full)}`;
  return `[${bar}] ${String(Math.round(share * 100)).padStart(3)}% `;
}

export class ProgressPrinter {
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private lastPrint = -Infinity;
  private drawn = false;

  constructor(o: ProgressPrinterOptions) {
    this.stream = o.stream;
    this.tty = o.tty ?? Boolean(o.stream.isTTY);
    this.intervalMs = o.intervalMs ?? 5000;
    this.now = o.now ?? (() => Date.now());
  }

  update(p: Progress): void {
    if (this.tty) {
      let line = progressBar(p) + progressLine(p);
      const cols = this.stream.columns ?? 0;
      if (cols > 10 && line.length > cols - 1) line = line.slice(0, cols - 1);
      // \r + erase line: redraw in place
      this.stream.write(`\r\x1b[2K${line}`);
      this.drawn = true;
      return;
    }
    const t = this.now();
    if (t - this.lastPrint < this.intervalMs) return;
    this.lastPrint = t;
    this.stream.write(`progress ${progressLine(p)}\n`);
  }

  /** write a message on its own line without mangling the in-place line */
  note(text: string): void {
    if (this.tty && this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
    this.stream.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** leave the last progress line in place and move to a fresh line */
  done(): void {
    if (this.tty && this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}

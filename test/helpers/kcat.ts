/**
 * Debian's kcat (librdkafka's command-line client) run against a broker, for the suites that check
 * ours with a second, C client: its exit code, stdout and stderr, or, if it has not ended within
 * `ms`, killed and a rejection naming its arguments and what it wrote to stderr.
 */
import { spawn } from 'node:child_process';

export type KcatRun = { code: number | null; out: string; err: string };

export type KcatOptions = {
  /** its stdin: a string, or a writer that feeds it over time (stdin ends when that resolves) */
  input?: string | ((write: (s: string) => void) => Promise<void>);
  /**
   * ends kcat as soon as its stderr matches: librdkafka logs a refusal at once but retries until
   * kcat's metadata timeout (-m) runs out
   */
  refusal?: RegExp;
  /** how long it may take (default 20 s) */
  ms?: number;
};

export function runKcat(
  bootstrap: string[],
  args: string[],
  { input = '', refusal, ms = 20_000 }: KcatOptions = {},
): Promise<KcatRun> {
  return new Promise((resolve, reject) => {
    const p = spawn('kcat', ['-b', bootstrap.join(','), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => {
      err += d;
      if (refusal?.test(err)) p.kill('SIGKILL');
    });
    const t = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`kcat ${args.join(' ')} timed out: ${err}`));
    }, ms);
    p.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, out, err });
    });
    if (typeof input === 'string') p.stdin.end(input);
    else void input((s) => p.stdin.write(s)).then(() => p.stdin.end());
  });
}

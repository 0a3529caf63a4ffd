/**
 * The benches that keep their broker out of the measured process (its CPU is then not the client's)
 * start this same module again with `--serve …` and wait for its first message (the bootstrap and
 * whatever else it reports). One way to do it for bench/broker.ts, broker-tls.ts, txn.ts and
 * observer-consume.ts.
 */
import './help.ts';
import { type ChildProcess, fork } from 'node:child_process';

/** `moduleUrl` (a bench's import.meta.url) forked with `args`, once its first message came */
export async function serveChild<T>(
  moduleUrl: string,
  args: string[],
  execArgv: string[] = [],
): Promise<{ child: ChildProcess; ready: T }> {
  const child = fork(new URL(moduleUrl).pathname, args, {
    execArgv: ['--import', 'tsx', ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<T>((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('exit', (code) => reject(new Error(`the bench's serving process ended (exit code ${code})`)));
  });
  return { child, ready };
}

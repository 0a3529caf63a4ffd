/**
 * Runs `jupyter nbconvert --execute` on notebooks, a few at a time, for notebooks.test.ts, and
 * makes sure no kernel outlives its notebook: a killed nbconvert (a timeout) leaves its kernel
 * running, which then holds our stderr pipe (it hung the test once) and keeps running the cell (a
 * live pipeline at full CPU for minutes). jupyter_client starts each kernel in a session of its
 * own, so killing nbconvert's process group misses it; the kernel inherits nbconvert's
 * environment though, so each nbconvert gets a variable naming its run, and its end, its timeout
 * or the exit of this process kills every process carrying it (/proc; elsewhere the process group
 * only). Every end of a notebook is reported with its cause: its exit status, the signal that
 * ended it, the timeout, or the error that kept it from starting.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeSync } from 'node:fs';

export interface Execution {
  /** nbconvert's exit status; null when it did not exit on its own */
  status: number | null;
  /** why it ended otherwise (a signal, the timeout, a spawn error); '' when it exited */
  cause: string;
  stderr: string;
  seconds: number;
}

interface Options {
  args: (notebook: string) => string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  jobs: number;
  timeoutMs: number;
}

/** the runs still going (their marker, nbconvert's pid), killed when this process ends however it ends */
const running = new Map<string, number | undefined>();
/** the notebooks not finished yet, named if this process exits before they are */
const pending = new Set<string>();
const MARK = 'PIPELAB_NOTEBOOK_RUN';

/** SIGKILL nbconvert's group and every process whose environment carries `marker` (its kernel) */
function killRun(marker: string, pid: number | undefined): void {
  const kill = (target: number) => {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  if (pid !== undefined) kill(-pid);
  let procs: string[] = [];
  try {
    procs = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return; // no /proc: the group was all we could reach
  }
  const needle = `\0${MARK}=${marker}\0`;
  for (const p of procs) {
    try {
      if (`\0${readFileSync(`/proc/${p}/environ`, 'latin1')}`.includes(needle)) kill(Number(p));
    } catch {
      // gone, or not ours
    }
  }
}
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  // before the caller's own 'exit' listeners (removing the folders the kernels write in)
  process.prependListener('exit', (code) => {
    if (pending.size)
      writeSync(2, `\nnotebooks: exiting (code ${code}) with unfinished notebooks: ${[...pending].join(', ')}\n`);
    for (const [marker, pid] of running) killRun(marker, pid);
  });
}

let runs = 0;
function executeOne(nb: string, o: Options): Promise<Execution> {
  const t0 = Date.now();
  const marker = `${process.pid}-${++runs}`;
  return new Promise((resolve) => {
    let stderr = '';
    let cause = '';
    let settled = false;
    const child = spawn('jupyter', o.args(nb), {
      cwd: o.cwd,
      env: { ...o.env, [MARK]: marker },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    const pid = child.pid;
    running.set(marker, pid);
    const timer = setTimeout(() => {
      cause = `killed after ${o.timeoutMs / 1000} s (the notebook's time limit), with its kernel`;
      killRun(marker, pid);
    }, o.timeoutMs);
    const settle = (status: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // a kernel nbconvert left behind (it was killed, or failed to shut it down) goes with it
      killRun(marker, pid);
      running.delete(marker);
      child.stderr?.destroy();
      resolve({ status, cause, stderr, seconds: (Date.now() - t0) / 1000 });
    };
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    child.on('error', (e) => {
      cause ||= `could not run jupyter: ${e.message}`;
      settle(null);
    });
    // 'exit', not 'close': 'close' waits for every holder of the pipe, a stray kernel included
    child.on('exit', (status, signal) => {
      if (signal && !cause) cause = `ended by ${signal}${signal === 'SIGKILL' ? ' (out of memory?)' : ''}`;
      // the last of its stderr may still be in the pipe
      setTimeout(() => settle(status), 200);
    });
  });
}

/**
 * Starts every notebook, `jobs` at a time, in the order given; returns one promise per notebook,
 * which never rejects. If this process exits first (a crash, process.exit on a signal), the
 * unfinished notebooks are named on stderr and their processes killed.
 */
export function executeAll(notebooks: string[], o: Options): Map<string, Promise<Execution>> {
  hookExit();
  const results = new Map<string, Promise<Execution>>();
  const resolvers = new Map<string, (e: Execution) => void>();
  for (const nb of notebooks) {
    pending.add(nb);
    results.set(nb, new Promise((resolve) => resolvers.set(nb, resolve)));
  }
  const queue = [...notebooks];
  const worker = async () => {
    for (let nb = queue.shift(); nb !== undefined; nb = queue.shift()) {
      let e: Execution;
      try {
        e = await executeOne(nb, o);
      } catch (err) {
        e = { status: null, cause: `failed to run: ${(err as Error).stack ?? err}`, stderr: '', seconds: 0 };
      }
      // progress on stderr: if this process dies, the runner prints how far it got
      writeSync(2, `notebook ${nb}: ${e.cause || `exit ${e.status}`} in ${e.seconds.toFixed(1)} s\n`);
      pending.delete(nb);
      resolvers.get(nb)!(e);
    }
  };
  for (let i = 0; i < Math.max(1, o.jobs); i++) void worker();
  return results;
}

/**
 * Suites that need a system tool (kcat, redis-server, jupyter, /usr/bin/python3 with scipy) ask
 * here. Without the tool the suite is skipped with a NOTICE naming the install script; under
 * CI=true a missing tool is an error instead, so CI always tests the real thing.
 */
import { spawnSync } from 'node:child_process';

const INSTALL_SCRIPT = '.ci/install-tools.sh';

function found(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 20_000 });
  return r.status === 0;
}

/**
 * true when the tool answers (`cmd ...probeArgs` exits 0). Otherwise prints a NOTICE and returns
 * false, or throws under CI=true.
 */
export function haveTool(cmd: string, probeArgs: string[] = ['--version'], what = cmd): boolean {
  if (found(cmd, probeArgs)) return true;
  const msg = `NOTICE: ${what} not found: suite skipped. Install it with ${INSTALL_SCRIPT}`;
  if (process.env.CI === 'true') throw new Error(`${msg} (CI=true: a skipped suite fails the run)`);
  console.log(msg);
  return false;
}

/** Debian's python3 with scipy (the pyenv python3 on PATH may lack Debian's modules) */
export function haveScipy(): boolean {
  return haveTool('/usr/bin/python3', ['-c', 'import scipy'], 'python3-scipy (/usr/bin/python3)');
}

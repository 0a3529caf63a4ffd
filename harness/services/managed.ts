/**
 * A service process pipelab started (a local redis-server, `pipelab serve-model`), held so the
 * fault timeline can signal it (SIGKILL, SIGTERM, SIGSTOP … SIGCONT) and start it again on the
 * same address, where its clients reconnect.
 */
export interface Spawned {
  pid: number;
  /** resolves once the process has exited */
  exited: Promise<void>;
  close(): Promise<void>;
}

export class ManagedProcess {
  constructor(
    private cur: Spawned,
    private readonly respawn: () => Promise<Spawned>,
  ) {}

  get pid(): number {
    return this.cur.pid;
  }

  signal(sig: NodeJS.Signals): void {
    try {
      process.kill(this.cur.pid, sig);
    } catch {
      /* already gone */
    }
  }

  /** SIGKILL or SIGTERM, and wait until it has exited */
  async end(sig: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    this.signal('SIGCONT'); // a stopped process would not act on SIGTERM
    this.signal(sig);
    await this.cur.exited;
  }

  /** start it again on the same address (the old one is closed first if it still runs) */
  async restart(): Promise<void> {
    await this.cur.close();
    this.cur = await this.respawn();
  }

  close(): Promise<void> {
    this.signal('SIGCONT');
    return this.cur.close();
  }
}

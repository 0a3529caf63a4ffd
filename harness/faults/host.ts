/**
 * CONTRACT between the fault timeline and a target: the parts of the system under test a fault
 * can hit. A target that runs processes or services (the pipeline target) implements FaultHost;
 * each method returns the handles, or a sentence saying why there are none (then the fault is
 * refused before any load starts, with that sentence).
 */
import type { BrokerRole, ProcessTarget } from './schema.ts';

/** one process (or in-process component) of the system under test */
export interface ProcessHandle {
  /** what a fault record says it hit, e.g. "child processor pid 1234" */
  readonly label: string;
  /** SIGKILL (an in-process component: a crash, no clean-up) */
  kill(): Promise<void>;
  /** SIGTERM (in-process: a graceful stop) */
  stop(): Promise<void>;
  /** SIGSTOP / SIGCONT; absent where the component cannot be frozen (in-process) */
  pause?(): Promise<void>;
  resume?(): Promise<void>;
  /** back up after kill or stop (same address, so clients reconnect) */
  start(): Promise<void>;
}

/** the model server's fault hooks (slow: an added delay per request; erroring: a share answered 503) */
interface ModelServerFaults {
  readonly label: string;
  slow(delayMs: (() => number) | undefined): void;
  erroring(share: number | undefined): void;
}

/** the consumers of the system under test (the pipeline's processors) */
export interface ConsumerGroupFaults {
  readonly label: string;
  /** members now */
  size(): number;
  /** take member `index` out (clean: stop, commit, leave; hard: crash) and put a new one in its place */
  bounce(index: number, mode: 'clean' | 'hard'): Promise<string>;
  /** every member out at once, then as many back */
  bounceAll(mode: 'clean' | 'hard'): Promise<string>;
}

export interface FaultHost {
  processes(target: ProcessTarget): ProcessHandle[] | string;
  modelServer(): ModelServerFaults | string;
  redis(): { readonly label: string; flush(): Promise<void> } | string;
  consumers(): ConsumerGroupFaults | string;
  /**
   * the broker node (an index into processes('broker')) in this role now: the leader of the input
   * topic's partition 0, or the controller; a sentence when there is none. Absent: no roles.
   */
  brokerRole?(role: BrokerRole): { node: number; what: string } | string;
}

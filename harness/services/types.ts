/**
 * Service resolution (DESIGN.md "Service modes"): each external component the pipeline needs
 * (Redis, the model server; Kafka plugs in the same way) resolves in the order
 * external → container → local → embedded, unless a mode is forced. A resolved service carries
 * what the pipeline component needs to connect (its `url`, or an in-process handle) plus the
 * mode and detail that go into RunSummary.services, and `close()` releases whatever was started.
 */
import type { ServiceInfo } from '../../results/types.ts';

export type ResolvableMode = 'external' | 'container' | 'local' | 'embedded';
export const RESOLUTION_ORDER: readonly ResolvableMode[] = ['external', 'container', 'local', 'embedded'];

export interface ResolvedService<C = unknown> {
  name: string;
  mode: ResolvableMode;
  /** URL, binary and port, container image, ... (for the report) */
  detail: string;
  /** what a pipeline component is given: e.g. { url } */
  connection: C;
  /** why earlier modes were skipped (e.g. "container: no container runtime") */
  skipped: string[];
  close(): Promise<void>;
}

export interface ResolveOptions {
  /** force one mode (flag `--<name>-mode`, env PIPELAB_<NAME>_MODE) */
  mode?: ResolvableMode;
  /** external address (flag `--<name>`, env PIPELAB_<NAME>); implies mode external */
  url?: string;
  /** environment to read PIPELAB_* from (default process.env) */
  env?: NodeJS.ProcessEnv;
}

/**
 * How one component is started in each mode. A mode left out is not available for this
 * component. Each starter either returns a started service or throws; `available` is a fast
 * check (no side effects) that lets auto-resolution skip a mode with a reason.
 */
export interface ServiceSpec<C> {
  name: string;
  /** env var holding an external address, e.g. PIPELAB_REDIS */
  envVar: string;
  external?(url: string): Promise<Started<C>>;
  container?: { available(): Promise<string | true>; start(): Promise<Started<C>> };
  local?: { available(): Promise<string | true>; start(): Promise<Started<C>> };
  embedded?(): Promise<Started<C>>;
}

export interface Started<C> {
  detail: string;
  connection: C;
  close(): Promise<void>;
}

export function toServiceInfo(s: Pick<ResolvedService, 'mode' | 'detail'>): ServiceInfo {
  return { mode: s.mode, detail: s.detail };
}

/**
 * The one resolution loop every component uses. Order: external (a URL from options or env) →
 * container (only when a container engine answers) → local → embedded. A forced mode tries only
 * that mode and fails with a clear error when it is unavailable (container without an engine:
 * CONTAINER_RUNTIME_MISSING, in milliseconds).
 */
import { PipelabError } from '../../errors.ts';
import { containerRuntimeMissing, probeContainerRuntime } from './container.ts';
import {
  RESOLUTION_ORDER,
  type ResolvableMode,
  type ResolveOptions,
  type ResolvedService,
  type ServiceSpec,
  type Started,
} from './types.ts';

export function isResolvableMode(m: string): m is ResolvableMode {
  return (RESOLUTION_ORDER as readonly string[]).includes(m);
}

export async function resolveService<C>(spec: ServiceSpec<C>, opts: ResolveOptions = {}): Promise<ResolvedService<C>> {
  const env = opts.env ?? process.env;
  const modeVar = `${spec.envVar}_MODE`;
  const envMode = env[modeVar];
  const forced = opts.mode ?? (envMode || undefined);
  if (forced !== undefined && !isResolvableMode(forced)) {
    throw new PipelabError('INVALID_ARGUMENT', `${spec.name}: unknown service mode "${forced}"`, {
      hint: `use one of ${RESOLUTION_ORDER.join(', ')} (--${spec.name}-mode or ${modeVar})`,
    });
  }
  const url = opts.url ?? (env[spec.envVar] || undefined);
  const skipped: string[] = [];
  const done = (mode: ResolvableMode, s: Started<C>): ResolvedService<C> => ({
    name: spec.name,
    mode,
    detail: s.detail,
    connection: s.connection,
    skipped,
    close: s.close,
  });

  const order: readonly ResolvableMode[] = forced ? [forced] : url ? ['external'] : RESOLUTION_ORDER;
  for (const mode of order) {
    switch (mode) {
      case 'external': {
        if (!url) {
          if (forced)
            throw new PipelabError('INVALID_ARGUMENT', `${spec.name}: mode external needs an address`, {
              hint: `pass --${spec.name} <url> or set ${spec.envVar}`,
            });
          skipped.push('external: no address given');
          break;
        }
        if (!spec.external) throw new PipelabError('INVALID_ARGUMENT', `${spec.name}: external mode is not supported`);
        return done('external', await spec.external(url));
      }
      case 'container': {
        if (!spec.container) {
          if (forced)
            throw new PipelabError(
              'INVALID_ARGUMENT',
              `${spec.name}: container mode is not available for this component`,
              { hint: `use --${spec.name}-mode local or embedded` },
            );
          skipped.push('container: not available for this component');
          break;
        }
        const probe = await probeContainerRuntime(env);
        if (!probe.ok) {
          if (forced) throw containerRuntimeMissing(spec.name, probe);
          skipped.push(`container: no container runtime (${probe.reason})`);
          break;
        }
        const avail = await spec.container.available();
        if (avail !== true) {
          if (forced)
            throw new PipelabError('SERVICE_UNAVAILABLE', `${spec.name}: container mode unavailable: ${avail}`);
          skipped.push(`container: ${avail}`);
          break;
        }
        return done('container', await spec.container.start());
      }
      case 'local': {
        const avail = spec.local ? await spec.local.available() : 'not available for this component';
        if (avail !== true || !spec.local) {
          if (forced)
            throw new PipelabError('SERVICE_UNAVAILABLE', `${spec.name}: local mode unavailable: ${avail}`, {
              hint: `use --${spec.name}-mode embedded, or install the binary (.ci/install-tools.sh)`,
            });
          skipped.push(`local: ${avail}`);
          break;
        }
        return done('local', await spec.local.start());
      }
      case 'embedded': {
        if (!spec.embedded) throw new PipelabError('SERVICE_UNAVAILABLE', `${spec.name}: no embedded mode`);
        return done('embedded', await spec.embedded());
      }
    }
  }
  throw new PipelabError('SERVICE_UNAVAILABLE', `${spec.name}: no mode could be resolved (${skipped.join('; ')})`);
}

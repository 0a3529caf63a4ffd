/**
 * Static checks of a scenario's faults against its target type, run with the rest of the
 * validation (nothing started yet): a fault on a part the target does not have is an error with
 * its path, e.g. `/faults/1/target`. What can only be known once services are resolved (a local
 * or an embedded model server, child or in-process processors) is checked at setup (timeline.ts).
 */
import type { Issue } from '../../errors.ts';
import { HOST_PORT, TOXIC_KINDS, type FaultSpec, type ToxicSpec } from './schema.ts';

export const isToxic = (f: FaultSpec): f is ToxicSpec => (TOXIC_KINDS as readonly string[]).includes(f.kind);

/** network services each target type resolves (and can put a fault proxy in front of) */
const SERVICES_OF: Record<string, readonly string[]> = {
  pipeline: ['kafka', 'redis', 'model-server'],
  kafka: ['kafka'],
  http: ['http'],
  function: [],
};

export function checkFaultsFit(faults: readonly FaultSpec[], targetType: string): Issue[] {
  const issues: Issue[] = [];
  faults.forEach((f, i) => {
    const at = (field: string, message: string) => issues.push({ path: `/faults/${i}/${field}`, message });
    if (isToxic(f)) {
      const hostPort = HOST_PORT.test(f.target);
      const has = SERVICES_OF[targetType] ?? [];
      if (!hostPort && !has.includes(f.target))
        at(
          'target',
          `the ${targetType} target has no ${f.target} to put a fault proxy in front of ` +
            `(it resolves: ${has.length ? has.join(', ') : 'nothing'}; or name a host:port)`,
        );
      if (f.listen !== undefined && !hostPort)
        at('listen', 'only for a host:port target (pipelab places the proxy of a service it resolves itself)');
      if (f.instance !== undefined && f.target !== 'kafka')
        at('instance', 'only for target kafka (the broker node whose proxy gets the toxic)');
      return;
    }
    if ('role' in f && f.role !== undefined) {
      if (f.target !== 'broker') at('role', 'only for target broker (the node in that role when the fault starts)');
      if (f.instance !== undefined) at('instance', 'give either role or instance, not both');
    }
    if (targetType !== 'pipeline')
      at('kind', `a ${f.kind} fault acts on the reference pipeline's parts: it needs target type "pipeline"`);
  });
  return issues;
}

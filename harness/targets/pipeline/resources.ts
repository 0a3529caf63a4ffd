/**
 * What a live pipeline run ran, for its cost: replicas per cost group (`extra.replicas`, priced
 * by harness/sim/cost like a simulated run's) and a plain description (`extra.resources`). Stream
 * processors are `consumers`, as in the simulator; an autoscaled run's processor count over time
 * is its `replicas_processors` gauge, which the cost model integrates. Broker nodes are the
 * bootstrap servers the run used (an external cluster may have more); the model server and the
 * feature store are one replica each, as the harness runs them.
 */
import type { ServiceInfo } from '../../../results/types.ts';

export interface PipelineResources {
  processors: number;
  processorMode: string;
  modelServers: number;
  brokerNodes: number;
  featureStore: string;
}

export function pipelineResources(
  o: { processors: number; processorMode: string },
  brokers: readonly string[],
  services: Record<string, ServiceInfo>,
): { replicas: Record<string, number>; resources: PipelineResources } {
  const resources: PipelineResources = {
    processors: o.processors,
    processorMode: o.processorMode,
    modelServers: services['model-server'] || services.modelServer ? 1 : 0,
    brokerNodes: brokers.length,
    featureStore: services.redis?.mode ?? 'none',
  };
  return {
    replicas: {
      consumers: resources.processors,
      modelServers: resources.modelServers,
      featureStore: services.redis ? 1 : 0,
      brokers: resources.brokerNodes,
    },
    resources,
  };
}

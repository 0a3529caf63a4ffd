/**
 * Service resolution for the pipeline's external components. `resolveServices` resolves each
 * requested one (its `info()` gives RunSummary.services); `serviceOptionsFrom` maps CLI
 * flags (`--redis`, `--redis-mode`, `--model-server`, `--model-server-mode`) to options.
 */
import type { ServiceInfo } from '../../results/types.ts';
import { PipelabError } from '../../errors.ts';
import { resolveModelServer, type ModelServerConnection, type ModelServerSetup } from './model-server.ts';
import { resolveRedis, type RedisConnection } from './redis.ts';
import { resolveKafka, type KafkaConnection } from './kafka.ts';
import { kafkaSecurityFrom } from './kafka-security.ts';
import type { KafkaClientSecurity } from '../../pipeline/kafka-security.ts';
import type { BrokerOptions } from '../../broker/index.ts';
import { isResolvableMode } from './resolve.ts';
import { toServiceInfo, type ResolveOptions, type ResolvedService } from './types.ts';

export interface ServicesRequest {
  kafka?: (ResolveOptions & { embedded?: BrokerOptions; security?: KafkaClientSecurity }) | true;
  redis?: ResolveOptions | true;
  modelServer?: (ResolveOptions & { setup?: ModelServerSetup }) | true;
}

export interface ResolvedServices {
  kafka?: ResolvedService<KafkaConnection>;
  redis?: ResolvedService<RedisConnection>;
  modelServer?: ResolvedService<ModelServerConnection>;
  /** mode and detail of each, for RunSummary.services */
  info(): Record<string, ServiceInfo>;
  /** close in reverse order of start */
  close(): Promise<void>;
}

export async function resolveServices(req: ServicesRequest): Promise<ResolvedServices> {
  const started: ResolvedService[] = [];
  const out: ResolvedServices = {
    info: () => Object.fromEntries(started.map((s) => [s.name, toServiceInfo(s)])),
    close: async () => {
      for (const s of started.reverse()) await s.close().catch(() => {});
    },
  };
  try {
    if (req.kafka) {
      out.kafka = await resolveKafka(req.kafka === true ? {} : req.kafka);
      started.push(out.kafka);
    }
    if (req.redis) {
      out.redis = await resolveRedis(req.redis === true ? {} : req.redis);
      started.push(out.redis);
    }
    if (req.modelServer) {
      out.modelServer = await resolveModelServer(req.modelServer === true ? {} : req.modelServer);
      started.push(out.modelServer);
    }
  } catch (e) {
    await out.close();
    throw e;
  }
  return out;
}

/** CLI flags → resolve options (flags win over PIPELAB_* env, which resolveService reads) */
export function serviceOptionsFrom(flags: {
  kafka?: string;
  kafkaMode?: string;
  redis?: string;
  redisMode?: string;
  modelServer?: string;
  modelServerMode?: string;
  /** Kafka client security as override keys (`kafka-sasl`, `kafka-tls`, ...; see kafka-security.ts) */
  kafkaSecurity?: Readonly<Record<string, string | boolean | undefined>>;
}): Pick<ServicesRequest, 'kafka' | 'redis' | 'modelServer'> {
  const mode = (flag: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    if (!isResolvableMode(v))
      throw new PipelabError('INVALID_ARGUMENT', `invalid ${flag}: '${v}'`, {
        hint: `use ${flag} external|container|local|embedded`,
      });
    return v;
  };
  const security = kafkaSecurityFrom(flags.kafkaSecurity ?? {});
  return {
    kafka: { url: flags.kafka, mode: mode('--kafka-mode', flags.kafkaMode), ...(security ? { security } : {}) },
    redis: { url: flags.redis, mode: mode('--redis-mode', flags.redisMode) },
    modelServer: { url: flags.modelServer, mode: mode('--model-server-mode', flags.modelServerMode) },
  };
}

/**
 * The runner's `services` overrides (TargetContext.services, e.g. { redis: 'redis://..',
 * 'redis-mode': 'local', 'model-server': 'http://..' }) → resolve options. Keys may be kebab or
 * camel case.
 */
export function servicesRequestFrom(
  overrides: Readonly<Record<string, string>> = {},
): Pick<ServicesRequest, 'kafka' | 'redis' | 'modelServer'> {
  const get = (...keys: string[]) => keys.map((k) => overrides[k]).find((v) => v !== undefined && v !== '');
  return serviceOptionsFrom({
    kafka: get('kafka'),
    kafkaMode: get('kafka-mode', 'kafkaMode'),
    redis: get('redis'),
    redisMode: get('redis-mode', 'redisMode'),
    modelServer: get('model-server', 'modelServer'),
    modelServerMode: get('model-server-mode', 'modelServerMode'),
    kafkaSecurity: overrides,
  });
}

export { resolveService } from './resolve.ts';
export { resolveRedis, openFeatureStore, redisSpec, type RedisConnection } from './redis.ts';
export {
  resolveModelServer,
  modelServerSpec,
  type ModelServerConnection,
  type ModelServerSetup,
} from './model-server.ts';
export {
  RESOLUTION_ORDER,
  type ResolvableMode,
  type ResolveOptions,
  type ResolvedService,
  type ServiceSpec,
} from './types.ts';

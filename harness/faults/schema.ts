/**
 * The `faults` timeline of a scenario: what goes wrong, when, for how long, and to which part of
 * the system. Validated with the rest of the scenario, before any load starts (docs/faults.md).
 *
 * Network faults follow toxiproxy's toxics (names, attributes and units): latency, bandwidth,
 * slow_close, timeout, reset_peer, slicer, limit_data, and `down` (the proxy disabled), each on
 * the upstream (client → service) or downstream (service → client, the default) direction of a
 * TCP fault proxy, for a share of the connections (`toxicity`).
 */
import { z } from 'zod';
import {
  duration,
  enumOf,
  nonNegativeInt,
  nonNegativeNumber,
  positiveDuration,
  positiveInt,
  positiveNumber,
  probability,
  strictObject,
} from '../config/fields.ts';

export const TOXIC_KINDS = [
  'latency',
  'bandwidth',
  'slow_close',
  'timeout',
  'reset_peer',
  'slicer',
  'limit_data',
  'down',
] as const;
const PROCESS_KINDS = ['kill', 'stop', 'pause', 'restart'] as const;
const SERVICE_KINDS = ['slow', 'erroring', 'flush'] as const;
const CONSUMER_KINDS = ['bounce'] as const;
export const FAULT_KINDS = [...TOXIC_KINDS, ...PROCESS_KINDS, ...SERVICE_KINDS, ...CONSUMER_KINDS] as const;
export type ToxicKind = (typeof TOXIC_KINDS)[number];
export type ProcessKind = (typeof PROCESS_KINDS)[number];

/** services a network fault can sit in front of (or any `host:port`) */
const NETWORK_TARGETS = ['kafka', 'redis', 'model-server', 'http'] as const;
const PROCESS_TARGETS = ['processor', 'model-server', 'redis', 'broker'] as const;
export type ProcessTarget = (typeof PROCESS_TARGETS)[number];
const BROKER_ROLES = ['leader', 'controller'] as const;
export type BrokerRole = (typeof BROKER_ROLES)[number];

export const HOST_PORT = /^[A-Za-z0-9_.:[\]-]+:\d{1,5}$/;

const common = {
  /** run time at which the fault starts */
  at: duration(),
  /** how long it lasts (network, pause, slow, erroring: default to the end of the run; kill/stop: restart after it) */
  duration: positiveDuration().optional(),
  /** shown on the charts instead of the generated label */
  label: z.string().min(1).optional(),
};

const network = {
  ...common,
  target: z
    .string({ error: 'expected a service name or host:port' })
    .refine((t) => (NETWORK_TARGETS as readonly string[]).includes(t) || HOST_PORT.test(t), {
      error: `expected one of: ${NETWORK_TARGETS.join(', ')}, or a host:port`,
    }),
  /** which direction the toxic acts on: downstream (service → client, default) or upstream */
  stream: enumOf(['upstream', 'downstream'] as const).optional(),
  /** share of connections the toxic applies to (default 1) */
  toxicity: probability().optional(),
  /** host:port targets only: where the proxy listens (the system under test must connect there) */
  listen: z
    .string()
    .regex(HOST_PORT, { error: 'expected host:port, e.g. "127.0.0.1:16379"' })
    .optional() /** kafka only: the broker node (id) whose proxy gets the toxic; default every node */,
  instance: nonNegativeInt().optional(),
};

const toxic = <K extends ToxicKind, S extends z.core.$ZodLooseShape>(kind: K, attrs: S) =>
  strictObject({ kind: z.literal(kind), ...network, ...attrs });

const processFault = <K extends ProcessKind>(kind: K) =>
  strictObject({
    kind: z.literal(kind),
    ...common,
    target: enumOf(PROCESS_TARGETS),
    /** which instance (processor index, broker node id); default 0 */
    instance: nonNegativeInt().optional(),
    /** broker only, instead of instance: the node in this role when the fault starts (leader: input partition 0's) */
    role: enumOf(BROKER_ROLES).optional(),
  });

const faultSchema = z.discriminatedUnion('kind', [
  /** latency ± jitter ms added to the data */
  toxic('latency', { latency: nonNegativeNumber(), jitter: nonNegativeNumber().optional() }),
  /** at most `rate` KB/s */
  toxic('bandwidth', { rate: positiveNumber() }),
  /** the close is delayed by `delay` ms */
  toxic('slow_close', { delay: nonNegativeNumber() }),
  /** no data gets through; the connection closes after `timeout` ms (0: held open until the toxic goes) */
  toxic('timeout', { timeout: nonNegativeNumber() }),
  /** the connection is reset (TCP RST) after `timeout` ms (default 0) */
  toxic('reset_peer', { timeout: nonNegativeNumber().optional() }),
  /** data cut into pieces of average_size ± size_variation bytes, `delay` µs apart */
  toxic('slicer', {
    average_size: positiveInt(),
    size_variation: nonNegativeInt().optional(),
    delay: nonNegativeNumber().optional(),
  }),
  /** the connection closes once `bytes` bytes went through */
  toxic('limit_data', { bytes: nonNegativeInt() }),
  /** the proxy refuses connections and drops the open ones */
  toxic('down', {}),
  processFault('kill'),
  processFault('stop'),
  processFault('pause'),
  processFault('restart'),
  strictObject({
    kind: z.literal('slow'),
    ...common,
    target: enumOf(['model-server'] as const),
    /** added latency, ms: the mean of the distribution */
    latency: nonNegativeNumber(),
    /** spread, ms (uniform: ± jitter; normal: the standard deviation; exponential: ignored) */
    jitter: nonNegativeNumber().optional(),
    distribution: enumOf(['uniform', 'normal', 'exponential'] as const).optional(),
  }),
  strictObject({
    kind: z.literal('erroring'),
    ...common,
    target: enumOf(['model-server'] as const),
    /** share of requests answered with an error (HTTP 503) */
    share: probability(),
  }),
  strictObject({ kind: z.literal('flush'), ...common, target: enumOf(['redis'] as const) }),
  strictObject({
    kind: z.literal('bounce'),
    ...common,
    target: enumOf(['consumers'] as const),
    /** clean: stop (commit, leave the group) then start; hard: crash (no commit, no leave) then start */
    mode: enumOf(['clean', 'hard'] as const).optional(),
    /** all at once, or one after another (rolling, each back before the next goes) */
    scope: enumOf(['all', 'rolling'] as const).optional(),
  }),
]);

export const faultsSchema = z.array(faultSchema, { error: 'expected an array of faults, e.g. [{ at: "10s", ... }]' });
export type FaultSpec = z.output<typeof faultSchema>;
export type ToxicSpec = Extract<FaultSpec, { kind: ToxicKind }>;

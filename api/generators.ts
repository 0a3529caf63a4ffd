/**
 * pipelab/generators: pure, seeded event streams (same seed → same bytes): the seeded RNG,
 * arrival processes, Zipf key skew, drifting parameters, user and merchant populations,
 * transactions and user events, their JSON and Avro codecs, the registry by name, and the wire
 * formats (`createSerializer`: json, avro, avro-confluent through a schema registry, string).
 * Drifting streams with ground truth for detector studies are in pipelab/drift. Your own events:
 * compileSpec(spec).create({ seed }) from a declarative spec or a function (docs/event-specs.md).
 */
export { Rng, toSeed } from '../generators/rng.ts';
export { createArrivals, parseArrivalSpec, ArrivalSpecSchema, ARRIVAL_KINDS } from '../generators/arrivals.ts';
export type { Arrivals, ArrivalSpec, ArrivalSpecInput } from '../generators/arrivals.ts';
export { createZipf, zipfPmf } from '../generators/zipf.ts';
export type { ZipfSampler, ZipfMethod } from '../generators/zipf.ts';
export { DriftSchedule, DriftSpecSchema } from '../generators/drift-hooks.ts';
export type { DriftSpec, DriftSpecInput, DriftTruth, Params as DriftParams } from '../generators/drift-hooks.ts';
export { UserPopulation, MerchantPopulation } from '../generators/population.ts';
export { COUNTRIES, distanceKm } from '../generators/geo.ts';
export type { Country } from '../generators/geo.ts';
export {
  TransactionStream,
  createTransactionStream,
  TransactionConfigSchema,
  defaultTransactionParams,
  FRAUD_PATTERNS,
  CHANNELS,
} from '../generators/transactions.ts';
export type {
  Transaction,
  FraudPattern,
  Channel,
  TransactionConfigInput,
  TransactionParams,
} from '../generators/transactions.ts';
export {
  UserEventStream,
  createUserEventStream,
  UserEventConfigSchema,
  defaultUserEventParams,
  USER_EVENT_TYPES,
  DEVICE_TYPES,
} from '../generators/user-events.ts';
export type {
  UserEvent,
  UserEventType,
  DeviceType,
  UserEventConfigInput,
  UserEventParams,
} from '../generators/user-events.ts';
export type { EventStream } from '../generators/stream.ts';
export {
  transactionToJson,
  transactionFromJson,
  transactionToAvro,
  transactionFromAvro,
  transactionAvroType,
  userEventToJson,
  userEventFromJson,
  userEventToAvro,
  userEventFromAvro,
  userEventAvroType,
} from '../generators/serialize.ts';
export { TRANSACTION_AVSC, USER_EVENT_AVSC } from '../generators/schemas/index.ts';
export { TRANSACTION_PII, USER_EVENT_PII, type PiiFields, type PiiKind } from '../generators/schemas/pii.ts';
export { GENERATORS, getGenerator, createGenerator, generatorNames } from '../generators/registry.ts';
export {
  FORMATS,
  jsonSerializer,
  stringSerializer,
  avroSerializer,
  confluentSerializer,
  frameConfluent,
  unframeConfluent,
} from '../generators/formats/index.ts';
export type { Format, Serializer, ConfluentOptions, ConfluentSerializer } from '../generators/formats/index.ts';
export { createSerializer } from '../harness/formats/index.ts';
export type { SerializerOptions, RegistryRef } from '../harness/formats/index.ts';
export type { GeneratorEntry } from '../generators/registry.ts';
export { compileSpec, defineEventSpec, SpecStream } from '../generators/spec/compile.ts';
export type { CompiledSpec, SpecStreamOptions } from '../generators/spec/compile.ts';
export type {
  EventSpec,
  StreamSpec,
  FieldSpec,
  NumberField,
  Distribution,
  EntitySpec,
  StateMachineSpec,
  StateSpec,
  DisorderSpec,
  DuplicatesSpec,
  EventFunction,
  SpecContext,
  SpecRecord,
  SpecTruth,
  StreamTruth,
} from '../generators/spec/types.ts';

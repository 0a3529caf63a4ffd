/**
 * Generators by name, for the CLI and scenario files: a factory, its config schema, the Avro
 * type and the JSON serializer of its events. Unknown names are a PipelabError listing the
 * known ones.
 */
import type { z } from 'zod';
import type avro from 'avsc';
import { PipelabError } from '../errors.ts';
import type { EventStream } from './stream.ts';
import { TransactionConfigSchema, TransactionStream, type Transaction } from './transactions.ts';
import { UserEventConfigSchema, UserEventStream, type UserEvent } from './user-events.ts';
import {
  transactionAvroType,
  transactionFromJson,
  transactionToJson,
  userEventAvroType,
  userEventFromJson,
  userEventToJson,
} from './serialize.ts';
import { TRANSACTION_AVSC, USER_EVENT_AVSC } from './schemas/index.ts';

/**
 * An entry of some event type. The registry holds entries of different event types; `unknown`
 * would not do, since toJson takes the event (GeneratorEntry<Transaction> is not a
 * GeneratorEntry<unknown>). Callers that know the name narrow the type themselves.
 */
// biome-ignore lint/suspicious/noExplicitAny: an existential "entry of some event type", see above
type AnyGeneratorEntry = GeneratorEntry<any>;

export interface GeneratorEntry<T = unknown> {
  name: string;
  description: string;
  /** the Kafka topic these events go to in the reference pipeline */
  topic: string;
  configSchema: z.ZodType;
  /** validates `config` (PipelabError INVALID_ARGUMENT naming each bad path) and builds the stream */
  create(config?: unknown): EventStream<T>;
  toJson(event: T): string;
  fromJson(line: string): T;
  avroType: avro.Type;
  avroSchema: object;
}

const transactions: GeneratorEntry<Transaction> = {
  name: 'transactions',
  description: 'card payments with fraud labels (card-testing, account-takeover, geo-velocity)',
  topic: 'transactions',
  configSchema: TransactionConfigSchema,
  create: (config) => new TransactionStream((config ?? {}) as ConstructorParameters<typeof TransactionStream>[0]),
  toJson: transactionToJson,
  fromJson: transactionFromJson,
  avroType: transactionAvroType,
  avroSchema: TRANSACTION_AVSC,
};

const userEvents: GeneratorEntry<UserEvent> = {
  name: 'user-events',
  description: 'clickstream sessions (login, view, search, click, add_to_cart, checkout, purchase, logout)',
  topic: 'user-events',
  configSchema: UserEventConfigSchema,
  create: (config) => new UserEventStream((config ?? {}) as ConstructorParameters<typeof UserEventStream>[0]),
  toJson: userEventToJson,
  fromJson: userEventFromJson,
  avroType: userEventAvroType,
  avroSchema: USER_EVENT_AVSC,
};

export const GENERATORS: Readonly<Record<string, AnyGeneratorEntry>> = {
  transactions,
  'user-events': userEvents,
};

export function generatorNames(): string[] {
  return Object.keys(GENERATORS);
}

export function getGenerator(name: string): AnyGeneratorEntry {
  const g = Object.hasOwn(GENERATORS, name) ? GENERATORS[name] : undefined;
  if (!g) {
    throw new PipelabError('UNKNOWN_GENERATOR', `unknown generator '${name}'`, {
      hint: `known generators: ${generatorNames().join(', ')}`,
    });
  }
  return g;
}

/** look up `name` and build its stream from `config` */
export function createGenerator(name: string, config?: unknown): ReturnType<AnyGeneratorEntry['create']> {
  return getGenerator(name).create(config);
}

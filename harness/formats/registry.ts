/**
 * The schema registry side of the avro-confluent format, through @kafkajs/confluent-schema-registry:
 * find (or register) a subject's schema id, and fetch writer schemas by id. Every failure is a
 * PipelabError: an unreachable registry (or refused credentials) is SERVICE_UNAVAILABLE (exit 106)
 * naming the URL; an answer the registry refused carries its message (an incompatible schema,
 * an unknown subject).
 */
import { createRequire } from 'node:module';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import { PipelabError } from '../../errors.ts';
import type { Where } from '../../generators/formats/index.ts';

export interface RegistryRef {
  /** the registry's base URL, e.g. http://127.0.0.1:8081 */
  url: string;
  /** basic auth, e.g. Confluent Cloud's API key and secret */
  auth?: { username: string; password: string };
}

const NETWORK = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|ENETUNREACH|socket hang up/i;
const CLIENT_PREFIX = /^Confluent_Schema_Registry - /;

/** a client error as a PipelabError: what failed, at which URL, and the registry's own message */
function registryError(url: string, doing: string, e: unknown, where: Where): PipelabError {
  const err = e as Error & { status?: number };
  const message = (err.message ?? String(e)).replace(CLIENT_PREFIX, '').replace(/^Error, status \d+: /, '');
  if (NETWORK.test(message) || (err.status !== undefined && err.status >= 500))
    return new PipelabError('SERVICE_UNAVAILABLE', `schema registry at ${url} unreachable (${doing}): ${message}`, {
      hint:
        'check --schema-registry (or PIPELAB_SCHEMA_REGISTRY); ' +
        '`pipelab broker --schema-registry-port 8081` serves one',
      cause: e,
    });
  if (err.status === 401 || err.status === 403)
    return new PipelabError('SERVICE_UNAVAILABLE', `schema registry at ${url} refused the credentials (${doing})`, {
      hint: 'check the registry user and key',
      cause: e,
    });
  return new PipelabError(where.code, `${where.field}: the schema registry at ${url} said (${doing}): ${message}`, {
    hint:
      err.status === 409
        ? "the schema is incompatible with the subject's latest version: make the change compatible " +
          '(new fields with defaults), or change the subject compatibility'
        : 'check the schema and the subject',
    cause: e,
  });
}

/**
 * The client package, loaded at the first client: it and its protobufjs cost every process that
 * imports the library (each `pipelab` command whose scenario imports 'pipelab') about 0.2 s of
 * CPU, and only avro-confluent needs them
 */
const require = createRequire(import.meta.url);
let Registry: typeof SchemaRegistry | undefined;

/** the client, retrying little: a registry that is down fails the setup in about a second */
export function registryClient(ref: RegistryRef): SchemaRegistry {
  try {
    new URL(ref.url);
  } catch {
    throw new PipelabError('INVALID_ARGUMENT', `--schema-registry: ${JSON.stringify(ref.url)} is not a URL`, {
      hint: 'give the registry base URL, e.g. --schema-registry http://127.0.0.1:8081',
    });
  }
  Registry ??= (require('@kafkajs/confluent-schema-registry') as typeof import('@kafkajs/confluent-schema-registry'))
    .SchemaRegistry;
  return new Registry({
    host: ref.url.replace(/\/+$/, ''),
    clientId: 'pipelab',
    auth: ref.auth,
    retry: { retries: 1, initialRetryTimeInSecs: 0.2, maxRetryTimeInSecs: 1 },
  });
}

/**
 * The id of `schema` under `subject`: looked up first (nothing changes when it is there), else
 * registered when `autoRegister` (the registry checks compatibility and may refuse with 409).
 * Without a schema, the subject's latest version.
 */
export async function resolveSchemaId(
  client: SchemaRegistry,
  ref: RegistryRef,
  o: { subject: string; schema: object | undefined; autoRegister: boolean; where: Where },
): Promise<{ id: number; type: avro.Type }> {
  const fail = (doing: string) => (e: unknown) => {
    throw registryError(ref.url, doing, e, o.where);
  };
  if (o.schema === undefined) {
    const id = await client.getLatestSchemaId(o.subject).catch(fail(`latest version of subject '${o.subject}'`));
    return { id, type: await writerType(client, ref, id, o.where) };
  }
  const raw = o.schema as Parameters<SchemaRegistry['getRegistryIdBySchema']>[1];
  const found = await client.getRegistryIdBySchema(o.subject, raw).then(
    (id) => id,
    (e: Error & { status?: number }) => {
      // a 404 (unknown subject or schema) comes back as a plain ConfluentSchemaRegistryError
      if (e?.constructor?.name === 'ConfluentSchemaRegistryError') return undefined;
      throw registryError(ref.url, `looking up subject '${o.subject}'`, e, o.where);
    },
  );
  const type = avro.Type.forSchema(o.schema as avro.Schema);
  if (found !== undefined) return { id: found, type };
  if (!o.autoRegister)
    throw new PipelabError(o.where.code, `${o.where.field}: the schema is not registered under '${o.subject}'`, {
      hint: 'register it first, or allow registration (autoRegister)',
    });
  return { id: await register(client, ref, o.subject, raw, o.where), type };
}

/**
 * Registers through the client, which first compares the subject's compatibility level with the
 * one it is given (default BACKWARD) and refuses a mismatch: asked again with the subject's own
 * level, since pipelab only registers and leaves the level to the registry's owner.
 */
async function register(
  client: SchemaRegistry,
  ref: RegistryRef,
  subject: string,
  raw: Parameters<SchemaRegistry['register']>[0],
  where: Where,
): Promise<number> {
  const doing = `registering a schema under '${subject}'`;
  try {
    return (await client.register(raw, { subject })).id;
  } catch (e) {
    const level = /!= (\w+)\)$/.exec((e as Error).message ?? '')?.[1];
    if ((e as Error)?.constructor?.name !== 'ConfluentSchemaRegistryCompatibilityError' || !level)
      throw registryError(ref.url, doing, e, where);
    try {
      const opts = { subject, compatibility: level } as Parameters<SchemaRegistry['register']>[1];
      return (await client.register(raw, opts)).id;
    } catch (e2) {
      throw registryError(ref.url, doing, e2, where);
    }
  }
}

/** the writer schema of an id, as an avsc Type */
export async function writerType(
  client: SchemaRegistry,
  ref: RegistryRef,
  id: number,
  where: Where,
): Promise<avro.Type> {
  const s = await client.getSchema(id).catch((e: unknown) => {
    throw registryError(ref.url, `fetching schema id ${id}`, e, where);
  });
  if (s instanceof avro.Type) return s;
  throw new PipelabError(where.code, `${where.field}: schema id ${id} in the registry at ${ref.url} is not Avro`, {
    hint: 'avro-confluent reads Avro schemas only; this subject holds another schema type',
  });
}

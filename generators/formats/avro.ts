/**
 * Avro binary values with a given schema (avsc). A schema that avsc refuses is reported at the
 * path of the bad part (`schema.fields.1.type: unknown type name 'strin'`), a value that does not
 * match at the path of each bad field (`items.0.sku: expected string, got number 1`).
 */
import avro from 'avsc';
import { PipelabError, type Issue } from '../../errors.ts';
import { TRANSACTION_AVSC, USER_EVENT_AVSC } from '../schemas/index.ts';
import { transactionAvroType, userEventAvroType } from '../serialize.ts';
import { avroEncoder } from './avro-slab.ts';
import { kindOf } from './text.ts';
import { DEFAULT_WHERE, type Serializer, type Where } from './types.ts';

/** the Avro schemas of the built-in generators (generators/schemas) and their types, shared with serialize.ts */
export const BUILTIN_AVRO: Readonly<Record<string, { json: object; type: avro.Type }>> = {
  transactions: { json: TRANSACTION_AVSC, type: transactionAvroType },
  'user-events': { json: USER_EVENT_AVSC, type: userEventAvroType },
};

/** an avsc Type from a parsed schema (object, union array or type name); bad parts named by path */
export function avroTypeOf(schema: unknown, where: Where = DEFAULT_WHERE): avro.Type {
  try {
    return avro.Type.forSchema(schema as avro.Schema);
  } catch (e) {
    const found = locate(schema, where.field, new Set(), undefined);
    const message = (e as Error).message;
    throw new PipelabError(
      where.code,
      found
        ? `${found.path}: not a usable Avro schema: ${found.message}`
        : `${where.field}: not a usable Avro schema: ${message}`,
      {
        hint: 'fix the .avsc (https://avro.apache.org/docs/1.11.1/specification/) or give another schema',
        issues: [found ?? { path: where.field, message }],
        cause: e,
      },
    );
  }
}

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const NAMED = new Set(['record', 'error', 'enum', 'fixed']);

function qualify(name: string, ns: string | undefined): string {
  return name.includes('.') || !ns ? name : `${ns}.${name}`;
}

function known(name: string, names: Set<string>, ns: string | undefined): boolean {
  return PRIMITIVES.has(name) || names.has(name) || names.has(qualify(name, ns));
}

/**
 * Finds the first part of a schema that avsc would refuse, for the error's path. Used only after
 * avsc failed, so a case it misses costs a less precise path, never a false error.
 */
function locate(s: unknown, path: string, names: Set<string>, ns: string | undefined): Issue | undefined {
  if (typeof s === 'string') return known(s, names, ns) ? undefined : { path, message: `unknown type name '${s}'` };
  if (Array.isArray(s)) {
    for (const [i, b] of s.entries()) {
      const r = locate(b, `${path}.${i}`, names, ns);
      if (r) return r;
    }
    return undefined;
  }
  if (s === null || typeof s !== 'object')
    return { path, message: `expected a type name, a type object or a union array, got ${kindOf(s)}` };
  const o = s as Record<string, unknown>;
  const t = o.type;
  if (typeof t === 'string' && NAMED.has(t)) return locateNamed(o, t, path, names, ns);
  if (t === 'array') return locate(o.items, `${path}.items`, names, ns);
  if (t === 'map') return locate(o.values, `${path}.values`, names, ns);
  if (t === undefined) return { path: `${path}.type`, message: 'missing "type"' };
  return locate(t, `${path}.type`, names, ns);
}

function locateNamed(
  o: Record<string, unknown>,
  t: string,
  path: string,
  names: Set<string>,
  ns: string | undefined,
): Issue | undefined {
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name === ''))
    return { path: `${path}.name`, message: `a ${t}'s name must be a non-empty string` };
  const full = typeof o.name === 'string' ? qualify(o.name, typeof o.namespace === 'string' ? o.namespace : ns) : '';
  if (full) names.add(full);
  const inner = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : undefined;
  if (t === 'enum') {
    const sym = o.symbols;
    if (!Array.isArray(sym) || sym.some((x) => typeof x !== 'string') || new Set(sym).size !== sym.length)
      return { path: `${path}.symbols`, message: 'an enum needs an array of distinct symbol names' };
    return undefined;
  }
  if (t === 'fixed')
    return Number.isInteger(o.size) && (o.size as number) >= 0
      ? undefined
      : { path: `${path}.size`, message: 'a fixed type needs an integer size' };
  if (!Array.isArray(o.fields)) return { path: `${path}.fields`, message: `a ${t} needs a fields array` };
  for (const [i, f] of o.fields.entries()) {
    const fp = `${path}.fields.${i}`;
    if (f === null || typeof f !== 'object' || typeof (f as { name?: unknown }).name !== 'string')
      return { path: `${fp}.name`, message: 'a field needs a name' };
    const field = f as { name: string; type?: unknown };
    if (field.type === undefined) return { path: `${fp}.type`, message: `field '${field.name}' has no type` };
    const r = locate(field.type, `${fp}.type`, names, inner);
    if (r) return /field '/.test(r.message) ? r : { path: r.path, message: `${r.message} (field '${field.name}')` };
  }
  return undefined;
}

/** the name of an avsc type for messages: a named type's name, a primitive's, a union's branches */
function typeLabel(t: avro.Type): string {
  const u = t as unknown as { types?: avro.Type[] };
  if (Array.isArray(u.types)) return u.types.map(typeLabel).join(' | ');
  return t.name ?? t.typeName;
}

/** every field of `value` that does not match `type`, by dotted path ('' for the value itself) */
function avroMismatches(type: avro.Type, value: unknown): Issue[] {
  const issues: Issue[] = [];
  type.isValid(value, {
    errorHook: (path: string[], v: unknown, t: avro.Type) => {
      const got = v === undefined ? 'nothing (missing)' : kindOf(v);
      issues.push({ path: path.join('.'), message: `expected ${typeLabel(t)}, got ${got}` });
    },
  });
  return issues;
}

/** the PipelabError for a value that `type` cannot write: every bad field with its path */
export function valueError(type: avro.Type, value: unknown, where: Where, cause: unknown): PipelabError {
  const issues = avroMismatches(type, value);
  const shown = issues
    .slice(0, 3)
    .map((i) => `${i.path || '(the value)'}: ${i.message}`)
    .join('; ');
  return new PipelabError(
    where.code,
    `a value does not match the Avro schema of ${where.field}: ` +
      (shown || (cause as Error).message) +
      (issues.length > 3 ? ` (+${issues.length - 3} more)` : ''),
    {
      hint: 'make the values fit the schema (field names, types, no missing fields), or change the schema',
      issues,
      cause,
    },
  );
}

/** bytes that `type` cannot read */
export function readError(where: Where, cause: unknown): PipelabError {
  return new PipelabError(
    'INVALID_ARGUMENT',
    `bytes are not a value of the Avro schema of ${where.field}: ${(cause as Error).message}`,
    {
      hint: 'the writer used another schema or format; check the format and schema of this topic',
      cause,
    },
  );
}

/** Avro binary (no framing) with one schema */
export function avroSerializer(type: avro.Type, where: Where = DEFAULT_WHERE): Serializer {
  const decode = (buf: Buffer): unknown => {
    try {
      return type.fromBuffer(buf);
    } catch (e) {
      throw readError(where, e);
    }
  };
  const toBuffer = avroEncoder(type);
  return {
    format: 'avro',
    encode(value) {
      try {
        return toBuffer(value);
      } catch (e) {
        throw valueError(type, value, where, e);
      }
    },
    decode,
    decodeAsync: async (buf) => decode(buf),
  };
}

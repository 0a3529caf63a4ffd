/**
 * The embedded schema registry's state, in memory: schemas by id (one id per distinct schema,
 * shared across subjects), each subject's versions, and compatibility levels (global and per
 * subject). Every failure is a RegistryError carrying Confluent's HTTP status and error_code.
 */
import avro from 'avsc';
import { incompatibilities, type Level, LEVELS, parseLevel } from './compat.ts';

export class RegistryError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

interface StoredSchema {
  id: number;
  /** the schema as registered, as compact JSON text */
  text: string;
  type: avro.Type;
}

interface SubjectVersion {
  version: number;
  id: number;
}

export interface VersionInfo {
  subject: string;
  version: number;
  id: number;
  schema: string;
}

/** what POST /subjects/{subject}/versions and POST /subjects/{subject} send */
export interface SchemaBody {
  schema?: unknown;
  schemaType?: unknown;
  references?: unknown;
}

const subjectNotFound = (s: string) => new RegistryError(404, 40401, `Subject '${s}' not found.`);

export class RegistryStore {
  private readonly byId = new Map<number, StoredSchema>();
  private readonly byText = new Map<string, StoredSchema>();
  private readonly subjects = new Map<string, SubjectVersion[]>();
  private readonly subjectLevel = new Map<string, Level>();
  private nextId = 1;
  globalLevel: Level = 'BACKWARD';

  /** registers `body.schema` under `subject` (idempotent: a schema the subject has keeps its id) */
  register(subject: string, body: SchemaBody): { id: number } {
    const { text, type } = parseSchema(body);
    const versions = this.subjects.get(subject) ?? [];
    const existing = this.byText.get(text);
    if (existing && versions.some((v) => v.id === existing.id)) return { id: existing.id };
    const level = this.levelOf(subject);
    const problems = incompatibilities(
      level,
      type,
      versions.map((v) => ({ version: v.version, type: this.byId.get(v.id)!.type })),
    );
    if (problems.length)
      throw new RegistryError(
        409,
        409,
        `Schema being registered is incompatible with an earlier schema for subject "${subject}" ` +
          `(compatibility ${level}), details: [${problems.join('; ')}]`,
      );
    const stored = existing ?? this.add(text, type);
    versions.push({ version: (versions.at(-1)?.version ?? 0) + 1, id: stored.id });
    this.subjects.set(subject, versions);
    return { id: stored.id };
  }

  private add(text: string, type: avro.Type): StoredSchema {
    const s = { id: this.nextId++, text, type };
    this.byId.set(s.id, s);
    this.byText.set(text, s);
    return s;
  }

  /** the version of `subject` that holds this schema */
  lookup(subject: string, body: SchemaBody): VersionInfo {
    const versions = this.versionsOf(subject);
    const { text } = parseSchema(body);
    const s = this.byText.get(text);
    const v = s && versions.find((x) => x.id === s.id);
    if (!s || !v) throw new RegistryError(404, 40403, 'Schema not found');
    return { subject, version: v.version, id: s.id, schema: s.text };
  }

  schemaById(id: number): { schema: string } {
    const s = this.byId.get(id);
    if (!s) throw new RegistryError(404, 40403, `Schema ${id} not found`);
    return { schema: s.text };
  }

  subjectList(): string[] {
    return [...this.subjects.keys()].sort();
  }

  versionNumbers(subject: string): number[] {
    return this.versionsOf(subject).map((v) => v.version);
  }

  /** a version by number or 'latest' (also -1, as Confluent accepts) */
  version(subject: string, which: string): VersionInfo {
    const versions = this.versionsOf(subject);
    const latest = which === 'latest' || which === '-1';
    const n = Number(which);
    if (!latest && !(/^\d+$/.test(which) && n >= 1 && n <= 2 ** 31 - 1))
      throw new RegistryError(
        422,
        42202,
        `The specified version '${which}' is not a valid version id. ` +
          'Allowed values are between [1, 2^31-1] and the string "latest"',
      );
    const v = latest ? versions.at(-1) : versions.find((x) => x.version === n);
    if (!v) throw new RegistryError(404, 40402, `Version ${which} not found.`);
    return { subject, version: v.version, id: v.id, schema: this.byId.get(v.id)!.text };
  }

  /** removes a subject; returns the versions it had (its schemas keep their ids) */
  deleteSubject(subject: string): number[] {
    const versions = this.versionNumbers(subject);
    this.subjects.delete(subject);
    this.subjectLevel.delete(subject);
    return versions;
  }

  /** whether `body.schema` could be registered next to one version, under the subject's level */
  compatible(subject: string, which: string, body: SchemaBody): { is_compatible: boolean; messages: string[] } {
    const v = this.version(subject, which);
    const { type } = parseSchema(body);
    const level = this.levelOf(subject);
    const messages = incompatibilities(level.replace('_TRANSITIVE', '') as Level, type, [
      { version: v.version, type: this.byId.get(v.id)!.type },
    ]);
    return { is_compatible: messages.length === 0, messages };
  }

  levelOf(subject: string): Level {
    return this.subjectLevel.get(subject) ?? this.globalLevel;
  }

  /** GET /config/{subject}: 40408 when the subject has no level of its own (unless defaultToGlobal) */
  subjectConfig(subject: string, defaultToGlobal: boolean): { compatibilityLevel: Level } {
    const own = this.subjectLevel.get(subject);
    if (own) return { compatibilityLevel: own };
    if (defaultToGlobal) return { compatibilityLevel: this.globalLevel };
    throw new RegistryError(404, 40408, `Subject '${subject}' does not have subject-level compatibility configured`);
  }

  setConfig(subject: string | undefined, body: { compatibility?: unknown }): { compatibility: Level } {
    const level = parseLevel(body?.compatibility);
    if (!level)
      throw new RegistryError(
        422,
        42203,
        `Invalid compatibility level ${JSON.stringify(body?.compatibility ?? null)}. ` +
          `Valid values are ${LEVELS.join(', ')}`,
      );
    if (subject === undefined) this.globalLevel = level;
    else this.subjectLevel.set(subject, level);
    return { compatibility: level };
  }

  deleteSubjectConfig(subject: string): { compatibilityLevel: Level } {
    const level = this.subjectConfig(subject, false).compatibilityLevel;
    this.subjectLevel.delete(subject);
    return { compatibilityLevel: level };
  }

  private versionsOf(subject: string): SubjectVersion[] {
    const v = this.subjects.get(subject);
    if (!v) throw subjectNotFound(subject);
    return v;
  }

  stats(): { schemas: number; subjects: number } {
    return { schemas: this.byId.size, subjects: this.subjects.size };
  }
}

/** an Avro schema from a request body (its text, or a schema object), or 42201 saying why not */
function parseSchema(body: SchemaBody): { text: string; type: avro.Type } {
  if (body === null || typeof body !== 'object' || body.schema === undefined)
    throw new RegistryError(422, 42201, 'Invalid schema: the request body has no "schema"');
  if (body.schemaType !== undefined && body.schemaType !== null && body.schemaType !== 'AVRO')
    throw new RegistryError(
      422,
      42201,
      `Invalid schema: schemaType ${JSON.stringify(body.schemaType)} is not supported ` +
        '(the embedded registry holds AVRO schemas only)',
    );
  if (Array.isArray(body.references) && body.references.length > 0)
    throw new RegistryError(422, 42201, 'Invalid schema: the embedded registry does not support schema references');
  let parsed: unknown = body.schema;
  if (typeof parsed === 'string') {
    try {
      parsed = JSON.parse(parsed);
    } catch {
      // a bare name such as string is an Avro schema too
    }
  }
  try {
    const type = avro.Type.forSchema(parsed as avro.Schema);
    return { text: JSON.stringify(parsed), type };
  } catch (e) {
    throw new RegistryError(422, 42201, `Invalid schema: ${(e as Error).message}`);
  }
}

/**
 * Field-level encryption of personal data with AES-256-GCM (node:crypto). Each field is encrypted
 * on its own (a reader with the key decrypts only what it needs), as `pii:` + base64url of
 * IV (12 bytes) | ciphertext | tag (16 bytes); the field's name is the additional authenticated
 * data, so a ciphertext moved to another field does not decrypt. The plaintext is the field's
 * JSON, so numbers come back as numbers. The key id travels in the record header
 * `pipelab-pii-key-id` (PII_HEADERS), the encrypted fields in `pipelab-pii-fields`.
 *
 * IVs are random (96 bits, drawn in blocks of 4 KB from the CSPRNG): safe for 2^32 encryptions
 * per key, which rotation keeps far away.
 */
import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import type { PiiFields } from '../../generators/schemas/pii.ts';
import type { PiiKeyring } from './keys.ts';

export const PII_PREFIX = 'pii:';

export const PII_HEADERS = {
  /** id of the key the record's PII fields are encrypted with */
  keyId: 'pipelab-pii-key-id',
  /** the encrypted fields, comma-separated (`*`: the whole value, which was not a JSON object) */
  fields: 'pipelab-pii-fields',
} as const;

/** the field name a whole unparseable value is encrypted under */
export const WHOLE_VALUE = '*';

const IV = 12;
const TAG = 16;
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

function nextIv(): Buffer {
  if (poolAt + IV > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const iv = pool.subarray(poolAt, poolAt + IV);
  poolAt += IV;
  return iv;
}

/** a key and its id: a master key, or a user's data key (vault.ts) */
export interface SubjectKey {
  id: string;
  key: Buffer;
}

/**
 * Where the key for a subject's (user's) fields comes from: the master key for everyone
 * (PiiCipher), or each user's own data key, which `pipelab forget` destroys (UserKeyVault).
 */
export interface PiiSealer {
  readonly fields: PiiFields;
  /** the key to encrypt `subject`'s data with ('' when the record names no subject) */
  keyFor(subject: string): SubjectKey;
  /** the key `id` for `subject`'s data, or undefined when unknown or destroyed */
  keyById(subject: string, id: string): Buffer | undefined;
}

/** one field's value encrypted with `key` */
export function sealField(key: Buffer, field: string, value: unknown): string {
  const iv = nextIv();
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(field));
  const ct = Buffer.concat([c.update(JSON.stringify(value) ?? 'null', 'utf8'), c.final()]);
  return PII_PREFIX + Buffer.concat([iv, ct, c.getAuthTag()]).toString('base64url');
}

/** a field sealed with `key`, back to its value (throws when the key or the field name is wrong) */
export function openField(key: Buffer, field: string, text: string): unknown {
  const raw = Buffer.from(text.slice(PII_PREFIX.length), 'base64url');
  const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV));
  d.setAAD(Buffer.from(field));
  d.setAuthTag(raw.subarray(raw.length - TAG));
  return JSON.parse(Buffer.concat([d.update(raw.subarray(IV, raw.length - TAG)), d.final()]).toString('utf8'));
}

/** a JSON object with the subject's PII fields encrypted (a copy), which fields were, and the key id */
export function sealObject(
  s: PiiSealer,
  subject: string,
  o: Record<string, unknown>,
): { value: Record<string, unknown>; encrypted: string[]; keyId: string } {
  const k = s.keyFor(subject);
  const value = { ...o };
  const encrypted: string[] = [];
  for (const f in s.fields) {
    if (value[f] === undefined) continue;
    value[f] = sealField(k.key, f, value[f]);
    encrypted.push(f);
  }
  return { value, encrypted, keyId: k.id };
}

/**
 * The PII fields of a sealed object decrypted in place; false when a field's key is unknown or
 * destroyed (the object is then left partly sealed).
 */
export function openObject(s: PiiSealer, subject: string, o: Record<string, unknown>, keyId: string): boolean {
  const key = s.keyById(subject, keyId);
  if (!key) return false;
  for (const f in s.fields) {
    const v = o[f];
    if (typeof v === 'string' && v.startsWith(PII_PREFIX)) o[f] = openField(key, f, v);
  }
  return true;
}

export class PiiCipher implements PiiSealer {
  readonly keyId: string;
  private readonly key: Buffer;

  constructor(
    private readonly keys: PiiKeyring,
    readonly fields: PiiFields,
  ) {
    this.keyId = keys.active.id;
    this.key = keys.active.key;
  }

  /** the master key, whoever the subject */
  keyFor(): SubjectKey {
    return this.keys.active;
  }

  keyById(_subject: string, id: string): Buffer | undefined {
    return this.keys.byId.get(id);
  }

  /** one field's value, encrypted with the active key */
  encrypt(field: string, value: unknown): string {
    return sealField(this.key, field, value);
  }

  /** a field encrypted with the key `keyId` (any key of the ring), back to its value */
  decrypt(field: string, text: string, keyId: string): unknown {
    const key = this.keys.byId.get(keyId);
    if (!key) throw new Error(`no PII key with id ${keyId}`);
    return openField(key, field, text);
  }
}

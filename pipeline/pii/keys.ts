/**
 * PII encryption keys: AES-256 keys (32 bytes) with ids, from a file (`--pii-key-file`) or the
 * environment (PIPELAB_PII_KEY). One key per line, `<id> <key>` or a bare `<key>` (its id is then
 * `k` + the first 8 hex digits of its SHA-256: stable and not secret); the key is 64 hex digits or
 * base64 of 32 bytes; blank lines and `#` comments are skipped. The LAST key encrypts; every key
 * listed decrypts, so keys rotate by appending a new one and keeping the old ones until the data
 * written under them has expired.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PipelabError } from '../../errors.ts';
import { registerSecret } from '../../results/redact.ts';

export interface PiiKey {
  id: string;
  key: Buffer;
}

export interface PiiKeyring {
  /** the key new data is encrypted with */
  active: PiiKey;
  /** every key by id (the active one included), for decrypting */
  byId: ReadonlyMap<string, Buffer>;
}

function parseKey(s: string): Buffer | undefined {
  if (/^[0-9a-f]{64}$/i.test(s)) return Buffer.from(s, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(s)) {
    const b = Buffer.from(s, 'base64');
    if (b.length === 32) return b;
  }
  return undefined;
}

/** a keyring from the text of a key file or variable; `source` names it in errors */
export function parsePiiKeys(text: string, source: string): PiiKeyring {
  const byId = new Map<string, Buffer>();
  let active: PiiKey | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const parts = line.split(/\s+/);
    const keyText = parts[parts.length - 1] as string;
    registerSecret(keyText);
    const key = parseKey(keyText);
    if (!key || parts.length > 2)
      throw new PipelabError('INVALID_INPUT_FILE', `${source} line ${i + 1}: not a PII key`, {
        hint:
          'one key per line: "<id> <key>" or "<key>", the key 64 hex digits or base64 of 32 bytes ' +
          '(openssl rand -hex 32)',
      });
    const id =
      parts.length === 2 ? (parts[0] as string) : `k${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
    byId.set(id, key);
    active = { id, key };
  });
  if (!active)
    throw new PipelabError('INVALID_INPUT_FILE', `${source} holds no PII key`, {
      hint: 'write a key into it: openssl rand -hex 32',
    });
  return { active, byId };
}

/**
 * The keyring of `file` (read now), else of PIPELAB_PII_KEY in `env`; undefined when neither is
 * set (PII encryption off).
 */
export function loadPiiKeys(opts: { file?: string | undefined; env?: NodeJS.ProcessEnv }): PiiKeyring | undefined {
  if (opts.file) {
    let text: string;
    try {
      text = readFileSync(opts.file, 'utf8');
    } catch (e) {
      throw new PipelabError('INVALID_INPUT_FILE', `cannot read the PII key file ${opts.file}`, {
        hint: 'check the --pii-key-file path (a file of keys, one a line)',
        cause: e,
      });
    }
    return parsePiiKeys(text, opts.file);
  }
  const v = (opts.env ?? process.env).PIPELAB_PII_KEY;
  return v ? parsePiiKeys(v, 'PIPELAB_PII_KEY') : undefined;
}

/**
 * Schema check of one `transactions` record: JSON with the generator's transaction shape
 * (generators/serialize.ts transactionFromJson checks every field's type and enum), plus the
 * values the pipeline relies on (a finite amount ≥ 0, a finite event time). Anything else is
 * dead-lettered with the reason in headers: empty, too-large (over 64 KiB: a transaction is a few
 * hundred bytes), invalid-utf8, malformed-json, schema (wrong or missing fields, ids over 256
 * characters, nested values).
 */
import { isUtf8 } from 'node:buffer';
import { transactionFromJson } from '../../generators/serialize.ts';
import type { Transaction } from '../../generators/transactions.ts';
import { transactionFromBytes } from './json-bytes.ts';

export type Validated = { ok: true; tx: Transaction } | { ok: false; reason: string; detail: string };

/** a record larger than this is not a transaction (and would be costly to parse and store) */
const MAX_RECORD_BYTES = 64 * 1024;
/** ids and other strings of a transaction longer than this are refused (they become Redis keys) */
const MAX_STRING = 256;

export function validateTransaction(value: Buffer | null): Validated {
  if (value === null || value.length === 0) return { ok: false, reason: 'empty', detail: 'record has no value' };
  if (value.length > MAX_RECORD_BYTES)
    return { ok: false, reason: 'too-large', detail: `${value.length} bytes (at most ${MAX_RECORD_BYTES})` };
  // the generator's layout read from the bytes (printable ASCII, so valid UTF-8): the object JSON.parse makes of it
  let tx = transactionFromBytes(value);
  if (!tx) {
    const p = parsed(value);
    if (!p.ok) return p;
    tx = p.tx;
  }
  if (!Number.isFinite(tx.amount) || tx.amount < 0)
    return { ok: false, reason: 'schema', detail: '/amount: expected a finite number ≥ 0' };
  if (!Number.isFinite(tx.eventTime)) return { ok: false, reason: 'schema', detail: '/eventTime: expected epoch ms' };
  if (tx.id === '' || tx.userId === '')
    return { ok: false, reason: 'schema', detail: '/id and /userId must not be empty' };
  // for-in over JSON.parse's own data properties: the fields Object.entries gave, without an array per record
  for (const k in tx) {
    const v = (tx as unknown as Record<string, unknown>)[k];
    if (typeof v === 'object' && v !== null)
      return { ok: false, reason: 'schema', detail: `/${k}: a nested value is not part of a transaction` };
    if (typeof v === 'string' && v.length > MAX_STRING)
      return { ok: false, reason: 'schema', detail: `/${k}: longer than ${MAX_STRING} characters` };
  }
  return { ok: true, tx };
}

/** any other value: checked for UTF-8, decoded and parsed */
function parsed(value: Buffer): Validated {
  if (!isUtf8(value)) return { ok: false, reason: 'invalid-utf8', detail: 'the value is not valid UTF-8' };
  try {
    return { ok: true, tx: transactionFromJson(value.toString('utf8')) };
  } catch (e) {
    if (e instanceof SyntaxError) return { ok: false, reason: 'malformed-json', detail: e.message };
    const issues = (e as { issues?: { path: string; message: string }[] }).issues;
    const detail = issues?.length ? issues.map((i) => `${i.path}: ${i.message}`).join('; ') : (e as Error).message;
    return { ok: false, reason: 'schema', detail };
  }
}

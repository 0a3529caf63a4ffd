/**
 * Schema check of one `transactions` record: JSON with the generator's transaction shape
 * (generators/serialize.ts transactionFromJson checks every field's type and enum), plus the
 * values the pipeline relies on (a finite amount ≥ 0, a finite event time). Anything else is
 * dead-lettered with the reason in headers.
 */
import { transactionFromJson } from '../../generators/serialize.ts';
import type { Transaction } from '../../generators/transactions.ts';

export type Validated = { ok: true; tx: Transaction } | { ok: false; reason: string; detail: string };

export function validateTransaction(value: Buffer | null): Validated {
  if (value === null || value.length === 0) return { ok: false, reason: 'empty', detail: 'record has no value' };
  let tx: Transaction;
  try {
    tx = transactionFromJson(value.toString('utf8'));
  } catch (e) {
    if (e instanceof SyntaxError) return { ok: false, reason: 'malformed-json', detail: e.message };
    const issues = (e as { issues?: { path: string; message: string }[] }).issues;
    const detail = issues?.length ? issues.map((i) => `${i.path}: ${i.message}`).join('; ') : (e as Error).message;
    return { ok: false, reason: 'schema', detail };
  }
  if (!Number.isFinite(tx.amount) || tx.amount < 0)
    return { ok: false, reason: 'schema', detail: '/amount: expected a finite number ≥ 0' };
  if (!Number.isFinite(tx.eventTime)) return { ok: false, reason: 'schema', detail: '/eventTime: expected epoch ms' };
  if (tx.id === '' || tx.userId === '')
    return { ok: false, reason: 'schema', detail: '/id and /userId must not be empty' };
  return { ok: true, tx };
}

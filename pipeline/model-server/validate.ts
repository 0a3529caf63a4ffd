/**
 * The /predict request body, validated at the boundary with one zod schema. Accepted forms:
 *   { "transaction": {...}, "features": {...} }                  one instance
 *   { "instances": [ { "transaction": {...}, "features": {...} }, ... ] }   up to MAX_INSTANCES
 * Every problem is reported with its path (e.g. `/instances/3/transaction/amount`).
 * A body of well-formed instances (numeric event times) is accepted by a direct check first, which
 * accepts only what the schema accepts: zod's per-field parse cost several µs per row on the
 * pipeline's hot path. Anything else goes through zod, which names the problems. Unknown fields
 * are ignored either way (the schema strips them; the direct check leaves them unread).
 */
import { z } from 'zod';
import type { ScoringInput } from '../types.ts';

const MAX_INSTANCES = 1024;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const transaction = z.object({
  id: z.string().min(1),
  userId: z.string().min(1),
  deviceId: z.string().min(1),
  merchantId: z.string().min(1),
  amount: finite.refine((x) => x >= 0, 'must be ≥ 0'),
  currency: z.string().min(1),
  country: z.string().min(1),
  channel: z.string().min(1),
  eventTime: z.union([finite, z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 time')]),
  isFraud: z.boolean().optional(),
  fraudPattern: z.string().nullable().optional(),
});
const features = z.object({
  user_transaction_count_1h: finite.refine((x) => x >= 0, 'must be ≥ 0'),
  user_avg_transaction_amount_24h: finite.refine((x) => x >= 0, 'must be ≥ 0'),
  user_device_risk_score: finite.refine((x) => x >= 0 && x <= 1, 'must be in [0, 1]'),
});
const instance = z.object({ transaction, features });
const body = z.union([
  z.object({
    instances: z
      .array(instance)
      .min(1, 'needs at least one instance')
      .max(MAX_INSTANCES, `at most ${MAX_INSTANCES} instances per request`),
  }),
  instance,
]);

export interface ValidationIssue {
  path: string;
  message: string;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const text = (x: unknown) => typeof x === 'string' && x.length > 0;
const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** true only for an instance the schema accepts as it is (numeric event time) */
function plainInstance(x: unknown): x is ScoringInput {
  if (!isObject(x)) return false;
  const t = x.transaction;
  const f = x.features;
  if (!isObject(t) || !isObject(f)) return false;
  if (!(text(t.id) && text(t.userId) && text(t.deviceId) && text(t.merchantId))) return false;
  if (!(text(t.currency) && text(t.country) && text(t.channel))) return false;
  if (!(num(t.amount) && t.amount >= 0 && num(t.eventTime))) return false;
  if (t.isFraud !== undefined && typeof t.isFraud !== 'boolean') return false;
  if (t.fraudPattern != null && typeof t.fraudPattern !== 'string') return false;
  const c = f.user_transaction_count_1h;
  const a = f.user_avg_transaction_amount_24h;
  const r = f.user_device_risk_score;
  return num(c) && c >= 0 && num(a) && a >= 0 && num(r) && r >= 0 && r <= 1;
}

/** the instances of a body the schema accepts as it is, else undefined (zod decides) */
function plainBody(json: unknown): ScoringInput[] | undefined {
  if (!isObject(json)) return undefined;
  if (!('instances' in json)) return plainInstance(json) ? [json] : undefined;
  const xs = json.instances;
  if (!Array.isArray(xs) || xs.length < 1 || xs.length > MAX_INSTANCES) return undefined;
  for (const x of xs) if (!plainInstance(x)) return undefined;
  return xs as ScoringInput[];
}

export function parsePredictBody(
  json: unknown,
): { ok: true; instances: ScoringInput[] } | { ok: false; issues: ValidationIssue[] } {
  const plain = plainBody(json);
  if (plain) return { ok: true, instances: plain };
  // pick the branch by shape so errors name the fields of the form the caller meant
  const schema = json && typeof json === 'object' && 'instances' in json ? body.options[0] : instance;
  const r = schema.safeParse(json);
  if (r.success)
    return {
      ok: true,
      instances: 'instances' in r.data ? (r.data.instances as ScoringInput[]) : [r.data as ScoringInput],
    };
  return {
    ok: false,
    issues: r.error.issues.map((i) => ({ path: `/${i.path.map(String).join('/')}`, message: i.message })),
  };
}

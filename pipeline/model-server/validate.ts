/**
 * The /predict request body, validated at the boundary with one zod schema. Accepted forms:
 *   { "transaction": {...}, "features": {...} }                  one instance
 *   { "instances": [ { "transaction": {...}, "features": {...} }, ... ] }   up to MAX_INSTANCES
 * Every problem is reported with its path (e.g. `/instances/3/transaction/amount`).
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

export function parsePredictBody(
  json: unknown,
): { ok: true; instances: ScoringInput[] } | { ok: false; issues: ValidationIssue[] } {
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

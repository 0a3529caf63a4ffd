/**
 * The kafka target's results side: each record on a results topic is matched to the event it came
 * from by the topic's correlation rule (a dotted path into the JSON value, a header, or the key),
 * measured (`e2e_latency` = observed − intended send time, tagged by topic), and checked against
 * the topic's `expect` (k6-style `checks`, a rate tagged by check).
 */
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { epochNow } from '../../../pipeline/processor/headers.ts';
import type { MetricsRegistry } from '../../metrics/api.ts';
import { PipelabError } from '../../../errors.ts';
import { getPath, loadAvroType } from './events.ts';
import type { KafkaLedger } from './ledger.ts';
import type { Config, Correlate, FieldRule } from './schema.ts';

type ResultSpec = NonNullable<Config['results']>[number];

/** reads the correlation id from a record; parses the value only when the rule needs it */
function correlator(c: Correlate): (msg: KafkaMessage, value: () => unknown) => string | undefined {
  if ('header' in c) {
    const h = c.header;
    return (msg) => {
      const v = msg.headers?.[h];
      const one = Array.isArray(v) ? v[0] : v;
      return one === undefined ? undefined : one.toString();
    };
  }
  if ('key' in c) return (msg) => msg.key?.toString();
  const path = c.field.split('.');
  return (_msg, value) => {
    const v = getPath(value(), path);
    return v === undefined || v === null || typeof v === 'object' ? undefined : String(v);
  };
}

/** the checks of one results topic: [check name, test] pairs */
function checksOf(topic: string, expect: ResultSpec['expect']): [string, (v: unknown) => boolean][] {
  if (expect === undefined) return [];
  if (typeof expect === 'function') return [[`${topic}: expect`, (v) => expect(v) === true]];
  return Object.entries(expect).map(([path, rule]) => {
    const p = path.split('.');
    return [`${topic}: ${path}`, (v: unknown) => passes(getPath(v, p), rule)];
  });
}

function passes(v: unknown, rule: FieldRule): boolean {
  if (Array.isArray(rule)) return rule.includes(v as never);
  if (rule === null || typeof rule !== 'object') return v === rule;
  if (rule.exists !== undefined && (v !== undefined) !== rule.exists) return false;
  if (rule.type !== undefined && (v === null ? 'null' : typeof v) !== rule.type) return false;
  if (rule.min !== undefined && !(typeof v === 'number' && v >= rule.min)) return false;
  if (rule.max !== undefined && !(typeof v === 'number' && v <= rule.max)) return false;
  return true;
}

/** how a topic's result values are read: JSON, or Avro binary with the topic's schema */
export function decoderOf(s: ResultSpec, i: number): (msg: KafkaMessage) => unknown {
  if (s.format === 'avro') {
    if (s.schema === undefined)
      throw new PipelabError(
        'INVALID_SCENARIO',
        `target.results.${i}.schema: format 'avro' needs the results' schema`,
        {
          hint: 'give schema: an .avsc path or the schema object',
        },
      );
    const type = loadAvroType(s.schema, `target.results.${i}.schema`);
    return (msg) => {
      if (!msg.value) return undefined;
      try {
        return type.fromBuffer(msg.value);
      } catch {
        return undefined;
      }
    };
  }
  return (msg) => {
    if (!msg.value) return undefined;
    try {
      return JSON.parse(msg.value.toString('utf8'));
    } catch {
      return undefined;
    }
  };
}

export interface ResultsDeps {
  ledger: KafkaLedger;
  specs: ResultSpec[];
  metrics: () => MetricsRegistry;
  now: () => number;
  /** a correlation rule that matches nothing: said once per topic */
  warn: (message: string) => void;
}

/** an eachBatch handler for every results topic */
export function resultsHandler(d: ResultsDeps): (payload: EachBatchPayload) => Promise<void> {
  const byTopic = new Map(
    d.specs.map((s, i) => [
      s.topic,
      {
        i,
        read: correlator(s.correlate),
        decode: decoderOf(s, i),
        checks: checksOf(s.topic, s.expect).map(([name, test]) => [{ check: name }, test] as const),
        tags: { topic: s.topic },
        warned: false,
      },
    ]),
  );
  return async ({ batch, resolveOffset, heartbeat }) => {
    const spec = byTopic.get(batch.topic);
    if (spec) {
      const observed = epochNow();
      const t = d.now();
      const m = d.metrics();
      const e2e = m.trend('e2e_latency');
      const checks = m.rate('checks');
      for (const msg of batch.messages) {
        let parsed: unknown;
        let done = false;
        const value = () => {
          if (!done) {
            parsed = spec.decode(msg);
            done = true;
          }
          return parsed;
        };
        const sent = d.ledger.result(spec.i, spec.read(msg, value));
        if (sent !== undefined) e2e.add(Math.max(0, observed - sent), t, spec.tags);
        for (const [tags, test] of spec.checks) checks.add(test(value()), t, tags);
      }
      const seen = d.ledger.seen(spec.i);
      if (!spec.warned && seen.matched === 0 && seen.results >= 100) {
        spec.warned = true;
        const c = d.specs[spec.i]!.correlate;
        const rule = 'field' in c ? `field '${c.field}'` : 'header' in c ? `header '${c.header}'` : 'the key';
        d.warn(`0 of ${seen.results} results on ${batch.topic} matched ${rule} — check correlate`);
      }
    }
    const last = batch.messages[batch.messages.length - 1];
    if (last) resolveOffset(last.offset);
    await heartbeat();
  };
}

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
import { avroSerializer, type ConfluentReader, type Where } from '../../../generators/formats/index.ts';
import { createConfluentReader, loadAvroSchema } from '../../formats/index.ts';
import { getPath } from './events.ts';
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

export interface Decoder {
  /** the record's value (undefined when it cannot be read) */
  decode(msg: KafkaMessage): unknown;
  /** avro-confluent: fetches the writer schemas of a batch that are not known yet */
  prepare?(messages: KafkaMessage[]): Promise<void>;
}

const quiet =
  (read: (b: Buffer) => unknown) =>
  (msg: KafkaMessage): unknown => {
    if (!msg.value) return undefined;
    try {
      return read(msg.value);
    } catch {
      return undefined;
    }
  };

/**
 * How a topic's result values are read: JSON, Avro binary with the topic's schema, or
 * avro-confluent (the writer schema of each id from the registry, read into `schema` when given).
 * Without `registryUrl` an avro-confluent topic is only checked (setup, before anything connects).
 */
export function decoderOf(s: ResultSpec, i: number, registryUrl?: string): Decoder {
  const where: Where = { field: `target.results.${i}.schema`, code: 'INVALID_SCENARIO' };
  if (s.format === 'avro') {
    if (s.schema === undefined)
      throw new PipelabError('INVALID_SCENARIO', `${where.field}: format 'avro' needs the results' schema`, {
        hint: 'give schema: an .avsc path or the schema object',
      });
    const ser = avroSerializer(loadAvroSchema(s.schema, where).type, where);
    return { decode: quiet(ser.decode) };
  }
  if (s.format === 'avro-confluent') {
    if (s.schema !== undefined) loadAvroSchema(s.schema, where);
    if (registryUrl === undefined) return { decode: () => undefined };
    return confluentDecoder(createConfluentReader({ registry: { url: registryUrl }, schema: s.schema, where }));
  }
  return { decode: quiet((b) => JSON.parse(b.toString('utf8'))) };
}

function confluentDecoder(reader: ConfluentReader): Decoder {
  const known = new Set(reader.knownIds());
  return {
    decode: quiet(reader.decode),
    async prepare(messages) {
      for (const m of messages) {
        const v = m.value;
        if (!v || v.length < 5 || v[0] !== 0 || known.has(v.readUInt32BE(1))) continue;
        known.add(v.readUInt32BE(1));
        // an id the registry does not have, or a schema ours cannot read, leaves its results unreadable
        await reader.decodeAsync(v).catch(() => {});
      }
    },
  };
}

export interface ResultsDeps {
  ledger: KafkaLedger;
  specs: ResultSpec[];
  metrics: () => MetricsRegistry;
  now: () => number;
  /** a correlation rule that matches nothing: said once per topic */
  warn: (message: string) => void;
  /** each topic's decoder, by index of `specs` (default: decoderOf without a registry) */
  decoders?: Decoder[];
}

/** an eachBatch handler for every results topic */
export function resultsHandler(d: ResultsDeps): (payload: EachBatchPayload) => Promise<void> {
  const byTopic = new Map(
    d.specs.map((s, i) => [
      s.topic,
      {
        i,
        read: correlator(s.correlate),
        decoder: d.decoders?.[i] ?? decoderOf(s, i),
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
      if (spec.decoder.prepare) await spec.decoder.prepare(batch.messages);
      // the current message's value, decoded at most once and only when a rule or a check reads it: one
      // closure per batch (a closure per result cost as much as the ledger's lookup)
      let msg: KafkaMessage;
      let parsed: unknown;
      let done = false;
      const value = () => {
        if (!done) {
          parsed = spec.decoder.decode(msg);
          done = true;
        }
        return parsed;
      };
      for (msg of batch.messages) {
        parsed = undefined;
        done = false;
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

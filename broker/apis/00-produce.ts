/**
 * Produce (key 0), v3–7 (none flexible).
 * Request: transactional_id NULLABLE_STRING, acks INT16, timeout_ms INT32,
 *   topic_data [name STRING, partition_data [index INT32, records RECORDS]]
 * Response: responses [name STRING, partition_responses [index INT32, error_code INT16,
 *   base_offset INT64, log_append_time_ms INT64 (v2+), log_start_offset INT64 (v5+)]],
 *   throttle_time_ms INT32
 * acks=0 gets no response at all. Exactly one v2 batch per partition (AK ProduceRequest
 * validateRecords); batches are validated (length, magic, CRC, codec, count) and stored raw.
 */
import { BatchError, parseBatchHeader, type BatchHeader } from '../protocol/record-batch.ts';
import { Writer } from '../protocol/writer.ts';
import type { Partition } from '../topics.ts';
import { produceAppended, produceCheck } from '../txn/coordinator.ts';
import { ERR, type Api } from './types.ts';

interface PartResult {
  index: number;
  error: number;
  baseOffset: number;
  logStart: number;
}

export const api: Api = {
  key: 0,
  name: 'Produce',
  min: 3,
  max: 7,
  flexibleFrom: Infinity,
  handle(r, ctx) {
    const v = ctx.version,
      c = ctx.cluster;
    r.nullableString();
    const acks = r.int16();
    const timeoutMs = r.int32();
    // replicated clusters: acks=-1 answers once the high watermark passes each batch (the ISR holds it)
    const waits: Array<{ part: PartResult; p: Partition; end: number }> = [];
    const topics = r.array((r) => ({
      name: r.string(),
      parts: r.array((r) => ({ index: r.int32(), records: r.nullableBytes() })),
    }));
    const results = topics.map(({ name, parts }) => {
      const t = c.topics.get(name);
      return {
        name,
        parts: parts.map(({ index, records }): PartResult => {
          const p = t?.partitions[index];
          const res = (error: number, baseOffset = -1): PartResult => ({
            index,
            error,
            baseOffset,
            logStart: p?.log.logStart ?? -1,
          });
          if (ctx.forcedError !== undefined) return res(ctx.forcedError);
          const denied = ctx.session?.deny('topic', name, 'write');
          if (denied) return res(denied);
          if (acks !== 0 && acks !== 1 && acks !== -1) return res(ERR.INVALID_REQUIRED_ACKS);
          if (!t || !p) return res(ERR.UNKNOWN_TOPIC_OR_PARTITION);
          if (p.leader !== ctx.node) return res(ERR.NOT_LEADER_OR_FOLLOWER);
          if (!records || records.length === 0) return res(ERR.CORRUPT_MESSAGE);
          let h: BatchHeader;
          try {
            h = parseBatchHeader(records, 0, c.options.checkCrc);
            if (h.size !== records.length) throw new BatchError('exactly one record batch per partition is allowed');
          } catch (e) {
            if (e instanceof BatchError) return res(ERR.CORRUPT_MESSAGE);
            throw e;
          }
          if (h.size > p.log.config.maxMessageBytes) return res(ERR.MESSAGE_TOO_LARGE);
          const refused = c.replication?.checkProduce(p, acks);
          if (refused) return res(refused);
          const txnError = produceCheck(c, h, name, index);
          if (txnError !== ERR.NONE) return res(txnError);
          const seq = c.producers.check(h.producerId, h.producerEpoch, name, index, h.baseSequence, h.count);
          const wait = (r: PartResult) => {
            if (acks === -1 && c.replication) waits.push({ part: r, p, end: r.baseOffset + h.count });
            return r;
          };
          if (seq.kind === 'duplicate') return wait(res(ERR.NONE, seq.baseOffset));
          if (seq.kind === 'error') return res(seq.code);
          const base = p.log.append(records, h, p.leaderEpoch);
          c.replication?.appended(p);
          produceAppended(p.log, h, base);
          c.producers.record(h.producerId, h.producerEpoch, name, index, h.baseSequence, h.count, base);
          c.counters.records += h.count;
          c.counters.producedBytes += h.size;
          return wait(res(ERR.NONE, base));
        }),
      };
    });
    if (acks === 0) return null;
    const write = (): Writer => {
      const w = new Writer();
      w.array(results, (w, t) => {
        w.string(t.name);
        w.array(t.parts, (w, p) => {
          w.int32(p.index).int16(p.error).int64(p.baseOffset).int64(-1);
          if (v >= 5) w.int64(p.logStart);
        });
      });
      w.int32(0);
      return w;
    };
    const repl = c.replication;
    if (!repl || waits.length === 0) return write();
    return Promise.all(
      waits.map(async ({ part, p, end }) => {
        const error = await repl.awaitReplicated(p, end, timeoutMs);
        if (error) part.error = error;
      }),
    ).then(write);
  },
};

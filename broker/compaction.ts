/**
 * Log compaction (cleanup.policy=compact): keeps the latest record of every key. A pass over a
 * partition maps each key to the offset of its latest record below the clean point (the last
 * stable offset, and no batch newer than min.compaction.lag.ms), then rewrites the batches below
 * it: superseded records go, as do records of aborted transactions; a tombstone (null value)
 * stays until delete.retention.ms after the pass that first cleaned it. Offsets never change, so
 * consumers see gaps, as on Kafka. Rewritten batches keep their base offset, last offset delta,
 * producer fields and timestamps; they are stored uncompressed. gzip and lz4 batches are read (lz4
 * is the reference pipeline's codec, its processors' changelogs included: kept whole, a soak's
 * changelog grew by its every checkpoint); batches compressed with snappy or zstd, or an lz4 frame
 * that does not decode, are kept whole (their keys are not read), so their records are never removed.
 * Simplified from Kafka: the active segment is cleaned too (the clean point bounds the pass), and
 * the dirty ratio is the share of bytes appended since the previous pass.
 */
import { gunzipSync } from 'node:zlib';
import { decompressFrameSync } from 'lz4-napi';
import { parseCompactionConfig } from './compaction-config.ts';
import type { PartitionLog } from './log.ts';
import { decodeLz4Frame } from './lz4-frame.ts';
import { crc32c } from './protocol/crc32c.ts';
import { Reader } from './protocol/reader.ts';
import type { Topic } from './topics.ts';
import { isAborted, lastStableOffset } from './txn/partition-state.ts';

const HEADER = 61;
const GZIP = 1;
const LZ4 = 3;
const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;

export interface CompactionResult {
  /** partitions a pass ran on */
  partitions: number;
  /** superseded or aborted records removed */
  recordsRemoved: number;
  /** tombstones removed after delete.retention.ms */
  tombstonesRemoved: number;
  bytesFreed: number;
}

interface LogState {
  /** bytes of the log right after the previous pass (the rest is dirty) */
  cleanBytes: number;
  /** clean points of earlier passes and when they ran (tombstone ages) */
  passes: Array<{ upTo: number; at: number }>;
}
const logStates = new WeakMap<PartitionLog, LogState>();

interface Rec {
  /** byte range of the whole record (length prefix included) in the records section */
  start: number;
  end: number;
  offset: number;
  key: string | null;
  tombstone: boolean;
}

/** the records of a batch, or undefined when its codec is not one we read (kept whole) */
function recordsOf(batch: Buffer, base: number): { data: Buffer; recs: Rec[] } | undefined {
  const data = decompressed(batch);
  if (!data) return undefined;
  const r = new Reader(data);
  const recs: Rec[] = [];
  const count = batch.readInt32BE(57);
  for (let i = 0; i < count; i++) {
    const start = r.offset;
    const len = r.varint();
    const end = r.offset + len;
    r.int8();
    r.varlong();
    const offset = base + r.varint();
    const keyLen = r.varint();
    const key = keyLen < 0 ? null : data.toString('latin1', r.offset, r.offset + keyLen);
    r.offset += Math.max(0, keyLen);
    const tombstone = r.varint() < 0;
    recs.push({ start, end, offset, key, tombstone });
    r.offset = end;
  }
  return { data, recs };
}

/** the records section of a batch, decompressed (gzip, lz4), or undefined for a codec not read */
function decompressed(batch: Buffer): Buffer | undefined {
  const codec = batch.readInt16BE(21) & 0x07;
  const body = batch.subarray(HEADER);
  if (codec === 0) return body;
  try {
    if (codec === GZIP) return gunzipSync(body);
    if (codec === LZ4) return lz4(body);
  } catch {
    // a frame this broker cannot read is kept whole, as before
  }
  return undefined;
}

/** an lz4 frame: the JavaScript decoder (small frames, no thread hop), lz4-napi for what it does not handle */
function lz4(frame: Buffer): Buffer {
  try {
    return decodeLz4Frame(frame);
  } catch {
    return decompressFrameSync(frame);
  }
}

const isControl = (batch: Buffer) => (batch.readInt16BE(21) & CONTROL) !== 0;
const isAbortedBatch = (log: PartitionLog, batch: Buffer, base: number) =>
  (batch.readInt16BE(21) & TRANSACTIONAL) !== 0 && isAborted(log, Number(batch.readBigInt64BE(43)), base);

/** the same batch with only `keep` of its records, uncompressed, CRC recomputed */
function rebuild(batch: Buffer, data: Buffer, keep: Rec[]): Buffer {
  const body = Buffer.concat(keep.map((k) => data.subarray(k.start, k.end)));
  const out = Buffer.allocUnsafe(HEADER + body.length);
  batch.copy(out, 0, 0, HEADER);
  body.copy(out, HEADER);
  out.writeInt32BE(out.length - 12, 8);
  out.writeInt16BE(out.readInt16BE(21) & ~0x07, 21);
  out.writeInt32BE(keep.length, 57);
  out.writeUInt32BE(crc32c(out.subarray(21)), 17);
  return out;
}

/** offset below which this pass may clean: the LSO, and nothing newer than the compaction lag */
function cleanPoint(log: PartitionLog, now: number, lagMs: number): number {
  const lso = lastStableOffset(log);
  if (lagMs <= 0) return lso;
  for (const b of log.batchesBelow(lso)) if (b.maxTs > now - lagMs) return b.base;
  return lso;
}

/** one pass over one partition; adds its figures to `res` */
export function compactLog(
  log: PartitionLog,
  now: number,
  deleteRetentionMs: number,
  lagMs: number,
  res: CompactionResult,
): void {
  const upTo = cleanPoint(log, now, lagMs);
  const st = logStates.get(log) ?? { cleanBytes: 0, passes: [] };
  logStates.set(log, st);
  const latest = new Map<string, number>();
  for (const { batch, base } of log.batchesBelow(upTo)) {
    if (isControl(batch) || isAbortedBatch(log, batch, base)) continue;
    for (const rec of recordsOf(batch, base)?.recs ?? []) if (rec.key !== null) latest.set(rec.key, rec.offset);
  }
  // a tombstone goes once the pass that first cleaned past it is delete.retention.ms old
  const cleanedAt = (offset: number) => st.passes.find((p) => p.upTo > offset)?.at;
  const tombstoneExpired = (offset: number) => {
    const at = cleanedAt(offset);
    return at !== undefined && now - at >= deleteRetentionMs;
  };
  res.bytesFreed += log.rewriteBelow(upTo, (batch, base) => {
    if (isControl(batch)) return batch;
    if (isAbortedBatch(log, batch, base)) {
      res.recordsRemoved += batch.readInt32BE(57);
      return null;
    }
    const parsed = recordsOf(batch, base);
    if (!parsed) return batch;
    const keep = parsed.recs.filter((rec) => {
      if (rec.key === null) return true;
      if (latest.get(rec.key) !== rec.offset) {
        res.recordsRemoved++;
        return false;
      }
      if (rec.tombstone && tombstoneExpired(rec.offset)) {
        res.tombstonesRemoved++;
        return false;
      }
      return true;
    });
    if (keep.length === parsed.recs.length) return batch;
    return keep.length === 0 ? null : rebuild(batch, parsed.data, keep);
  });
  if (upTo > (st.passes.at(-1)?.upTo ?? -1)) st.passes.push({ upTo, at: now });
  st.cleanBytes = log.bytes;
  res.partitions++;
}

/** the share of a log's bytes appended since its previous pass */
export function dirtyRatio(log: PartitionLog): number {
  if (log.bytes === 0) return 0;
  const clean = logStates.get(log)?.cleanBytes ?? 0;
  return Math.max(0, log.bytes - clean) / log.bytes;
}

/**
 * A compaction pass over every compacted topic. `force` cleans every partition; otherwise only
 * those whose dirty ratio reached min.cleanable.dirty.ratio (the periodic pass).
 */
export function compactTopics(topics: Topic[], now: number, force = false): CompactionResult {
  const res: CompactionResult = { partitions: 0, recordsRemoved: 0, tombstonesRemoved: 0, bytesFreed: 0 };
  for (const t of topics) {
    const cfg = parseCompactionConfig(t.configs);
    if (typeof cfg === 'string' || !cfg.compact) continue;
    for (const p of t.partitions) {
      const ratio = dirtyRatio(p.log);
      if (!force && (ratio === 0 || ratio < cfg.minCleanableDirtyRatio)) continue;
      compactLog(p.log, now, cfg.deleteRetentionMs, cfg.minCompactionLagMs, res);
    }
  }
  return res;
}

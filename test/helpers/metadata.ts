/**
 * Metadata (API key 3), v0-v10, for protocol-level tests that speak to a broker with a raw client:
 * the request body and a decoder of the whole response, versioned as Kafka's message definitions
 * give them (MetadataRequest/MetadataResponse), written apart from the broker's own encoder so a
 * test checks it rather than repeats it. Fields by version:
 * - v1: brokers' rack, the controller id, topics' is_internal; a null topic list means all topics
 *   (v0 has no null: an empty list means all)
 * - v2: cluster id; v3: throttle time first; v4: allow_auto_topic_creation (request)
 * - v5: partitions' offline replicas; v7: partitions' leader epoch
 * - v8: authorized operations (topics', and the cluster's at the end, v8-v10)
 * - v9: flexible (compact strings and arrays, tagged fields); v10: topic ids
 * The decoder refuses a response with bytes left over: every field of the version is read.
 */
import type { Reader } from '../../broker/protocol/reader.ts';
import type { Writer } from '../../broker/protocol/writer.ts';

interface MetadataPartition {
  error: number;
  partition: number;
  leader: number;
  /** v7+ */
  leaderEpoch?: number;
  replicas: number[];
  isr: number[];
  /** v5+ */
  offline?: number[];
}

interface MetadataTopic {
  error: number;
  name: string | null;
  /** v10+ */
  id?: Buffer;
  /** v1+ */
  internal?: boolean;
  partitions: MetadataPartition[];
}

export interface MetadataResponse {
  brokers: Array<{ id: number; host: string; port: number; rack?: string | null }>;
  /** v2+ */
  clusterId?: string | null;
  /** v1+ */
  controller?: number;
  topics: MetadataTopic[];
}

/** the request body of `version`: `topics` null asks for every topic */
export function metadataRequest(version: number, topics: string[] | null, autoCreate = true): (w: Writer) => void {
  return (w) => {
    if (version >= 9) {
      w.compactArray(topics, (w, t) => {
        if (version >= 10) w.raw(Buffer.alloc(16));
        w.compactString(t).tags();
      });
    } else if (version === 0) w.array(topics ?? [], (w, t) => w.string(t));
    else w.array(topics, (w, t) => w.string(t));
    if (version >= 4) w.bool(autoCreate);
    if (version >= 8) w.bool(false).bool(false);
    if (version >= 9) w.tags();
  };
}

/** the response of `version`, from just after the correlation id (a flexible one's header tags included) */
export function readMetadata(r: Reader, version: number): MetadataResponse {
  const flexible = version >= 9;
  const str = () => (flexible ? r.compactString() : r.string());
  const nullableStr = () => (flexible ? r.compactNullableString() : r.nullableString());
  const list = <T>(item: (r: Reader) => T) => (flexible ? r.compactArray(item) : r.array(item));
  const tags = () => {
    if (flexible) r.tags();
  };
  tags(); // the response header's
  if (version >= 3) r.int32(); // throttle time
  const brokers = list((r) => {
    const b = { id: r.int32(), host: str(), port: r.int32(), ...(version >= 1 ? { rack: nullableStr() } : {}) };
    tags();
    return b;
  });
  const out: MetadataResponse = { brokers, topics: [] };
  if (version >= 2) out.clusterId = nullableStr();
  if (version >= 1) out.controller = r.int32();
  out.topics = list((r) => readTopic(r, version, { str, nullableStr, list, tags }));
  if (version >= 8) r.int32(); // cluster authorized operations
  tags();
  if (r.remaining !== 0) throw new Error(`Metadata v${version}: ${r.remaining} bytes left after the response`);
  return out;
}

interface Readers {
  str: () => string;
  nullableStr: () => string | null;
  list: <T>(item: (r: Reader) => T) => T[];
  tags: () => void;
}

function readTopic(r: Reader, version: number, { str, nullableStr, list, tags }: Readers): MetadataTopic {
  const error = r.int16();
  const t: MetadataTopic = { error, name: version >= 10 ? nullableStr() : str(), partitions: [] };
  if (version >= 10) t.id = r.uuid();
  if (version >= 1) t.internal = r.bool();
  t.partitions = list((r) => {
    const p: MetadataPartition = { error: r.int16(), partition: r.int32(), leader: r.int32(), replicas: [], isr: [] };
    if (version >= 7) p.leaderEpoch = r.int32();
    p.replicas = list((r) => r.int32());
    p.isr = list((r) => r.int32());
    if (version >= 5) p.offline = list((r) => r.int32());
    tags();
    return p;
  });
  if (version >= 8) r.int32(); // topic authorized operations
  tags();
  return t;
}

/** Request bodies and response readers for RawClient tests: Produce v7 and Fetch v11 on partition 0. */
import type { Reader } from '../../broker/protocol/reader.ts';
import type { Writer } from '../../broker/protocol/writer.ts';

export function produceBody(topic: string, batch: Buffer, acks = 1) {
  return (w: Writer) => {
    w.nullableString(null)
      .int16(acks)
      .int32(1000)
      .array([0], (w) => {
        w.string(topic).array([0], (w) => {
          w.int32(0).bytes(batch);
        });
      });
  };
}

export function readProduce(r: Reader) {
  const t = r.array((r) => {
    r.string();
    return r.array((r) => {
      r.int32();
      const error = r.int16();
      const base = r.int64();
      r.int64();
      r.int64();
      return { error, base };
    });
  });
  return t[0]![0]!;
}

/** Fetch v11 of `topic` partition 0 from offset 0, 1 MiB at most */
export function fetchBody(topic: string, maxWaitMs: number, minBytes: number) {
  return (w: Writer) => {
    w.int32(-1)
      .int32(maxWaitMs)
      .int32(minBytes)
      .int32(1 << 20)
      .int8(0)
      .int32(0)
      .int32(-1);
    w.array([topic], (w, t) => {
      w.string(t).array([0], (w) => {
        w.int32(0)
          .int32(-1)
          .int64(0)
          .int64(-1)
          .int32(1 << 20);
      });
    });
    w.array([], () => {}).string('');
  };
}

/** the first partition's error, high watermark and records of a Fetch v11 response */
export function readFetch(r: Reader) {
  r.int32();
  const top = r.int16();
  r.int32();
  const parts = r.array((r) => {
    r.string();
    return r.array((r) => {
      r.int32();
      const error = r.int16();
      const hwm = Number(r.int64());
      r.int64();
      r.int64();
      r.nullableArray((r) => {
        r.int64();
        r.int64();
      });
      r.int32();
      return { error, hwm, records: r.bytes() };
    });
  });
  return { top, ...parts[0]![0]! };
}

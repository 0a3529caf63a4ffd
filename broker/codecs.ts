/**
 * Compression codecs for kafkajs clients (kafkajs ships only gzip). The broker itself never
 * decompresses; pipelines and tests call registerKafkajsCodecs() once so kafkajs producers and
 * consumers can use snappy (kafkajs-snappy, pure JS via snappyjs) and lz4 (lz4-napi: prebuilt
 * binaries shipped in the npm package; Kafka's lz4 is the LZ4 frame format). It also gives kafkajs a cheaper record
 * decoder with the same output (kafkajs-records.ts).
 */
import { createRequire } from 'node:module';
import kafkajs from 'kafkajs';
import { compressFrame, decompressFrame } from 'lz4-napi';
import { installKafkajsRecordDecoder } from './kafkajs-records.ts';
import { decodeLz4Frame } from './lz4-frame.ts';

const require = createRequire(import.meta.url);
// kafkajs is CommonJS; its codec table is only reachable through the default export in ESM
const { CompressionCodecs, CompressionTypes } = kafkajs;

interface Encoder {
  buffer: Buffer;
}

/**
 * Every frame is decoded here, in JavaScript, on the calling thread: kafkajs decodes a fetch response's record
 * batches one after another, awaiting each codec call, so a decompression that goes to lz4-napi's thread pool costs
 * the consumer one event-loop turn per batch. That turn is cheap on an idle loop and tens of milliseconds on a busy
 * one: a results consumer behind a busy pipeline read the processors' result batches (over 8 KiB once the chunks
 * grew, which is when it had fallen behind) at one loop turn each, its fetches took 0.2-1.6 s and it never caught
 * up (bench/pipeline.ts at 12,500 events/s: 6 of 6 runs p99 1.8-4.5 s with frames >= 8 KiB on the pool, 1 of 6
 * over 500 ms with all of them here). The decoder here is also the cheaper one in CPU (a 16 KiB frame of 400
 * results: 158 µs against lz4-napi's 397 µs synchronous). lz4-napi decodes what it refuses (legacy frames, a
 * dictionary id). Compression stays on the pool (on this thread it cost the event loop more than it saved).
 */
function decompress(buffer: Buffer): Buffer | Promise<Buffer> {
  try {
    return decodeLz4Frame(buffer);
  } catch {
    return decompressFrame(buffer);
  }
}

const lz4Codec = () => ({
  compress: async (encoder: Encoder): Promise<Buffer> => compressFrame(encoder.buffer),
  decompress: async (buffer: Buffer): Promise<Buffer> => decompress(buffer),
});

let registered = false;

export function registerKafkajsCodecs(): void {
  if (registered) return;
  registered = true;
  CompressionCodecs[CompressionTypes.Snappy] = require('kafkajs-snappy') as () => unknown;
  CompressionCodecs[CompressionTypes.LZ4] = lz4Codec;
  // a cheaper record decoder with the same output (kafkajs-records.ts), before any kafkajs consumer has fetched
  installKafkajsRecordDecoder();
}

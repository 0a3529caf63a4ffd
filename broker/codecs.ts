/**
 * Compression codecs for kafkajs clients (kafkajs ships only gzip). The broker itself never
 * decompresses; pipelines and tests call registerKafkajsCodecs() once so kafkajs producers and
 * consumers can use snappy (kafkajs-snappy, pure JS via snappyjs) and lz4 (lz4-napi: prebuilt
 * binaries shipped in the npm package; Kafka's lz4 is the LZ4 frame format).
 */
import { createRequire } from 'node:module';
import kafkajs from 'kafkajs';
import { compressFrame, decompressFrame } from 'lz4-napi';
import { decodeLz4Frame } from './lz4-frame.ts';

const require = createRequire(import.meta.url);
// kafkajs is CommonJS; its codec table is only reachable through the default export in ESM
const { CompressionCodecs, CompressionTypes } = kafkajs;

interface Encoder {
  buffer: Buffer;
}

/**
 * below this many bytes a frame is decoded here, in JavaScript: lz4-napi's async call costs
 * 8–13 µs in thread-pool hops and allocations, more than the work on the few records a batch
 * holds at moderate rates (it was the reference pipeline's top cost); larger frames go to the
 * pool. Compression stays on the pool (on this thread it cost the event loop more than it saved).
 */
const SMALL_FRAME = 8 * 1024;

const lz4Codec = () => ({
  compress: async (encoder: Encoder): Promise<Buffer> => compressFrame(encoder.buffer),
  decompress: async (buffer: Buffer): Promise<Buffer> =>
    buffer.length < SMALL_FRAME ? decodeLz4Frame(buffer) : decompressFrame(buffer),
});

let registered = false;

export function registerKafkajsCodecs(): void {
  if (registered) return;
  registered = true;
  CompressionCodecs[CompressionTypes.Snappy] = require('kafkajs-snappy') as () => unknown;
  CompressionCodecs[CompressionTypes.LZ4] = lz4Codec;
}

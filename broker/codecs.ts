/**
 * Compression codecs for kafkajs clients (kafkajs ships only gzip). The broker itself never
 * decompresses; pipelines and tests call registerKafkajsCodecs() once so kafkajs producers and
 * consumers can use snappy (kafkajs-snappy, pure JS via snappyjs) and lz4 (lz4-napi: prebuilt
 * binaries shipped in the npm package; Kafka's lz4 is the LZ4 frame format).
 */
import { createRequire } from 'node:module';
import kafkajs from 'kafkajs';
import { compressFrame, decompressFrame } from 'lz4-napi';

const require = createRequire(import.meta.url);
// kafkajs is CommonJS; its codec table is only reachable through the default export in ESM
const { CompressionCodecs, CompressionTypes } = kafkajs;

interface Encoder {
  buffer: Buffer;
}

const lz4Codec = () => ({
  compress: async (encoder: Encoder): Promise<Buffer> => compressFrame(encoder.buffer),
  decompress: async (buffer: Buffer): Promise<Buffer> => decompressFrame(buffer),
});

let registered = false;

export function registerKafkajsCodecs(): void {
  if (registered) return;
  registered = true;
  CompressionCodecs[CompressionTypes.Snappy] = require('kafkajs-snappy') as () => unknown;
  CompressionCodecs[CompressionTypes.LZ4] = lz4Codec;
}

/**
 * CRC-32C (Castagnoli), the checksum of record batch v2. From @node-rs/crc32 (SIMD, prebuilt
 * binaries shipped inside the npm package, so nothing is compiled at install).
 */
import { crc32c as native } from '@node-rs/crc32';

export function crc32c(data: Buffer): number {
  return native(data) >>> 0;
}

/** A minimal raw Kafka client for protocol-level tests: frames requests, reads responses in order. */
import net from 'node:net';
import { Reader } from '../../broker/protocol/reader.ts';
import { Writer } from '../../broker/protocol/writer.ts';

export class RawClient {
  private buf = Buffer.alloc(0);
  private corr = 1;
  private readonly waiting: Array<(b: Buffer) => void> = [];
  closed = false;

  private constructor(private readonly sock: net.Socket) {
    sock.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      while (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readInt32BE(0)) {
        const frame = this.buf.subarray(4, 4 + this.buf.readInt32BE(0));
        this.buf = this.buf.subarray(4 + frame.length);
        this.waiting.shift()?.(frame);
      }
    });
    sock.on('close', () => {
      this.closed = true;
    });
    sock.on('error', () => {});
  }

  static connect(bootstrap: string): Promise<RawClient> {
    const [host, port] = bootstrap.split(':');
    return new Promise((resolve, reject) => {
      const s: net.Socket = net.connect(Number(port), host, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  /** sends one request; `expectReply` false for acks=0 produce */
  send(
    apiKey: number,
    version: number,
    body: (w: Writer) => void,
    opts: { flexible?: boolean; expectReply?: boolean } = {},
  ): Promise<Reader> | undefined {
    const w = new Writer();
    const corr = this.corr++;
    w.int16(apiKey).int16(version).int32(corr).nullableString('raw');
    if (opts.flexible) w.tags();
    body(w);
    const payload = w.toBuffer();
    const size = Buffer.alloc(4);
    size.writeInt32BE(payload.length, 0);
    this.sock.write(Buffer.concat([size, payload]));
    if (opts.expectReply === false) return undefined;
    return new Promise((resolve) =>
      this.waiting.push((frame) => {
        const r = new Reader(frame);
        if (r.int32() !== corr) throw new Error('correlation id out of order');
        resolve(r);
      }),
    );
  }

  close(): void {
    this.sock.destroy();
  }
}

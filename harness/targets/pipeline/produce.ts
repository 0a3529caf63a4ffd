/**
 * The producer side of the pipeline and kafka targets: iterations hand their record to a buffer,
 * sent as one acks=all batch to the topic (the pipeline's transactions by default) when 500 are
 * waiting or `lingerMs` after the first (as a Kafka producer's linger.ms); each iteration learns
 * whether the broker acknowledged its record.
 */
import type { Message, Producer } from 'kafkajs';
import { TOPICS } from '../../../pipeline/topics.ts';

interface Pending {
  msg: Message;
  resolve(ok: boolean): void;
}

const MAX_BATCH = 500;

export class ProduceBuffer {
  private buffer: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  producer: Producer | undefined;

  constructor(
    private readonly compression: number,
    private readonly lingerMs: number,
    private readonly topic: string = TOPICS.transactions,
  ) {}

  /** resolves true once the broker acknowledged the record, false if the send failed */
  send(msg: Message): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      this.buffer.push({ msg, resolve });
      if (this.buffer.length >= MAX_BATCH) {
        if (this.timer) clearTimeout(this.timer);
        this.flush();
      } else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.lingerMs);
    });
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.buffer.length || !this.producer) return;
    const batch = this.buffer;
    this.buffer = [];
    this.producer
      .send({
        topic: this.topic,
        acks: -1,
        compression: this.compression,
        messages: batch.map((p) => p.msg),
      })
      .then(
        () => {
          for (const p of batch) p.resolve(true);
        },
        () => {
          for (const p of batch) p.resolve(false);
        },
      );
  }
}

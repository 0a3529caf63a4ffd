/** The processor group's lag on `topic` (transactions) from admin offsets: records past each committed offset. */
import type { Admin } from 'kafkajs';
import { TOPICS } from '../topics.ts';

export async function groupLag(admin: Admin, groupId: string, topic: string = TOPICS.transactions): Promise<number> {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const ends = await admin.fetchTopicOffsets(topic);
  const c = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  let total = 0;
  for (const e of ends) {
    const at = c.get(e.partition) ?? -1;
    total += Math.max(0, Number(e.high) - Math.max(at, Number(e.low)));
  }
  return total;
}

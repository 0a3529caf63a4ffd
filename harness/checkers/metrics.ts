/**
 * The delivery checker's findings as counter metrics (results/delivery.ts names them), recorded
 * once when the books close: a threshold such as `events_lost: ['count==0']` then gates the run,
 * and one on a run whose books never closed finds no samples and fails.
 */
import { DELIVERY_METRICS, type DeliveryReport } from '../../results/delivery.ts';
import type { MetricsRegistry } from '../metrics/api.ts';

/** `skip`: findings a target already records under the same name (events_duplicated) */
export function recordDelivery(
  metrics: MetricsRegistry,
  report: DeliveryReport | undefined,
  t: number,
  skip: ReadonlyArray<keyof typeof DELIVERY_METRICS> = ['duplicated'],
): void {
  if (!report) return;
  for (const [k, name] of Object.entries(DELIVERY_METRICS) as [keyof typeof DELIVERY_METRICS, string][])
    if (!skip.includes(k)) metrics.counter(name).add(report[k], t);
}

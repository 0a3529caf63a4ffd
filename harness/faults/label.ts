/** the short label a fault gets on the charts and in the reports when the scenario gives none */
import type { FaultSpec } from './schema.ts';

export function faultLabel(f: FaultSpec): string {
  const dir = 'stream' in f && f.stream === 'upstream' ? ' ↑' : '';
  const share =
    'toxicity' in f && f.toxicity !== undefined && f.toxicity < 1 ? ` ${Math.round(f.toxicity * 100)}%` : '';
  const role = 'role' in f && f.role ? ` ${f.role}` : '';
  const inst = 'instance' in f && f.instance !== undefined && (f.instance || f.target === 'kafka');
  const on = `${f.target}${role}${inst ? `#${f.instance}` : ''}`;
  switch (f.kind) {
    case 'latency':
      return `latency ${f.latency}${f.jitter ? `±${f.jitter}` : ''}ms${dir}${share} → ${on}`;
    case 'bandwidth':
      return `bandwidth ${f.rate}KB/s${dir}${share} → ${on}`;
    case 'slow_close':
      return `slow_close ${f.delay}ms${dir}${share} → ${on}`;
    case 'timeout':
      return `timeout ${f.timeout}ms${dir}${share} → ${on}`;
    case 'reset_peer':
      return `reset_peer${dir}${share} → ${on}`;
    case 'slicer':
      return `slicer ${f.average_size}B${dir}${share} → ${on}`;
    case 'limit_data':
      return `limit_data ${f.bytes}B${dir}${share} → ${on}`;
    case 'slow':
      return `${on} slow +${f.latency}${f.jitter ? `±${f.jitter}` : ''}ms`;
    case 'erroring':
      return `${on} erroring ${Math.round(f.share * 100)}%`;
    case 'bounce':
      return `${f.mode ?? 'clean'} ${f.scope === 'rolling' ? 'rolling ' : ''}bounce of the consumers`;
    default:
      return `${f.kind} ${on}`;
  }
}

/**
 * The PII section of a pipeline run with PII protection on (summary.extra.pii, written by the
 * pipeline target): which key encrypted which fields, whether the audit trail was on, and the
 * dead-letter samples with their PII fields masked as the target recorded them.
 */
import type { RunSummary } from '../results/types.ts';

interface PiiExtra {
  keyId?: string;
  fields?: string[];
  audit?: boolean;
  deadLetterSamples?: { eventId?: string; reason?: string; value?: unknown }[];
}

/** Markdown lines of the PII section, or [] when the run had none */
export function piiMarkdown(s: RunSummary): string[] {
  const p = (s.extra as Record<string, unknown> | undefined)?.pii as PiiExtra | undefined;
  if (!p || typeof p !== 'object') return [];
  const out = [
    '## PII protection',
    '',
    `Fields ${(p.fields ?? []).map((f) => `\`${f}\``).join(', ')} of decisions and dead letters encrypted ` +
      `(AES-256-GCM) with key \`${p.keyId ?? '?'}\`; audit trail ${p.audit ? 'on (pipelab-audit)' : 'off'}.`,
    '',
  ];
  const samples = p.deadLetterSamples ?? [];
  if (samples.length) {
    out.push('Dead-letter samples (PII masked):', '', '| event | reason | value |', '|---|---|---|');
    for (const x of samples)
      out.push(`| ${x.eventId ?? ''} | ${x.reason ?? ''} | \`${JSON.stringify(x.value).replace(/\|/g, '\\|')}\` |`);
    out.push('');
  }
  return out;
}

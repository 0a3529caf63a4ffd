/**
 * junit.xml: one <testsuite> per run, one <testcase> per threshold, so CI systems that read JUnit
 * (GitLab, Jenkins, GitHub test reporters) show which SLO failed and by how much. A failing
 * threshold gets a <failure> with the observed value; the run's metadata goes into <properties>.
 */
import type { RunSummary } from '../results/types.ts';
import { fmtObserved } from './format.ts';

/** XML 1.0 text/attribute escaping, dropping characters XML cannot carry */
export function xmlEscape(s: string): string {
  return (
    s
      // these are the control characters XML 1.0 forbids: removed on purpose
      // biome-ignore lint/suspicious/noControlCharactersInRegex: see above
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

export function formatJunit(summary: RunSummary): string {
  const a = (s: string | number) => xmlEscape(String(s));
  const failures = summary.thresholds.filter((t) => !t.ok).length;
  const errors = summary.incomplete ? 1 : 0;
  const tests = summary.thresholds.length + errors;
  const secs = (summary.durationMs / 1000).toFixed(3);
  const suite = `pipelab.${summary.scenario.name}`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="pipelab" tests="${tests}" failures="${failures}" errors="${errors}" time="${secs}">`,
    `  <testsuite name="${a(suite)}" tests="${tests}" failures="${failures}" ` +
      `errors="${errors}" skipped="0" time="${secs}" timestamp="${a(summary.startedAt.replace(/Z$/, ''))}">`,
    '    <properties>',
    `      <property name="seed" value="${a(summary.seed)}"/>`,
    `      <property name="harness.version" value="${a(summary.harness.version)}"/>`,
    ...(summary.scenario.file ? [`      <property name="scenario.file" value="${a(summary.scenario.file)}"/>`] : []),
    ...Object.entries(summary.services).map(
      ([k, s]) => `      <property name="service.${a(k)}" value="${a(s.mode + (s.detail ? ` (${s.detail})` : ''))}"/>`,
    ),
    ...(summary.aborted
      ? [`      <property name="aborted" value="${a(`${summary.aborted.by}: ${summary.aborted.reason}`)}"/>`]
      : []),
    '    </properties>',
  ];
  for (const t of summary.thresholds) {
    const name = `${t.metric}: ${t.expression}`;
    const observed = fmtObserved(t.metric, t.observed, summary);
    const head = `    <testcase classname="${a(`${suite}.thresholds`)}" name="${a(name)}" time="0">`;
    if (t.ok) {
      lines.push(`${head}`, `      <system-out>${a(`observed ${observed}`)}</system-out>`, '    </testcase>');
      continue;
    }
    const details = [
      `threshold ${t.expression} on ${t.metric} failed: observed ${observed}`,
      ...(t.failedWindow ? [`first failing window: ${t.failedWindow[0]}–${t.failedWindow[1]} ms`] : []),
      ...(t.abortedAtMs !== undefined ? [`aborted the run at ${t.abortedAtMs} ms (abortOnFail)`] : []),
    ];
    lines.push(
      head,
      `      <failure message="${a(`observed ${observed}`)}" type="threshold">${a(details.join('\n'))}</failure>`,
      '    </testcase>',
    );
  }
  if (summary.incomplete) {
    const why = a(summary.incomplete.reason);
    lines.push(
      `    <testcase classname="${a(`${suite}.run`)}" name="accounting complete" time="0">`,
      `      <error message="${why}" type="incomplete">${why}</error>`,
      '    </testcase>',
    );
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}

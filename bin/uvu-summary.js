// Reads the totals uvu prints at the end of a test file ("Total: 3", "Passed: 1", "Skipped: 1";
// summed when a file ran several suites). uvu's Total leaves skipped tests out, so the failures
// are Total − Passed (subtracting Skipped as well let each skipped test hide one failure).
export function parseUvuSummary(text) {
  const num = (label) => {
    const m = text.match(new RegExp(`${label}:\\s+(\\d+)`, 'g'));
    if (!m) return null;
    return m.map((x) => Number(x.split(/:\s+/)[1])).reduce((a, b) => a + b, 0);
  };
  const total = num('Total');
  const passed = num('Passed') ?? 0;
  const skipped = num('Skipped') ?? 0;
  return { found: total !== null, passed, failed: total === null ? 0 : total - passed, skipped };
}

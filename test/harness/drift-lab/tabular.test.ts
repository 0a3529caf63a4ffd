import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCsv, columnData } from '../../../harness/drift-lab/tabular.ts';

test('CSV: quoted fields, doubled quotes, CRLF and a missing final newline', () => {
  assert.equal(parseCsv('a,b\r\n"x, y","say ""hi"""\r\n1,2'), [
    ['a', 'b'],
    ['x, y', 'say "hi"'],
    ['1', '2'],
  ]);
});

test('an unterminated quote is an error', () => {
  assert.throws(() => parseCsv('a\n"oops\n'), /unterminated/);
});

test('a column is numeric only when every non-empty value in both files is a number', () => {
  const t = (rows: Array<Record<string, unknown>>) => ({ file: 'f', columns: ['v'], rows });
  assert.is(columnData(t([{ v: '1' }, { v: '' }]), t([{ v: 2.5 }, { v: null }]), 'v').kind, 'numeric');
  const d = columnData(t([{ v: '1' }]), t([{ v: 'x' }]), 'v');
  assert.is(d.kind, 'categorical');
  assert.equal(d.reference, ['1']);
});

test.run();

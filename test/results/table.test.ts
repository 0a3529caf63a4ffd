import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { textTable } from '../../results/table.ts';

test('columns are as wide as their widest cell, header included, two spaces apart', () => {
  assert.is(
    textTable(
      ['run', 'p99 ms'],
      [
        ['a', '12.5'],
        ['longer-name', '3.0'],
      ],
    ),
    ['run          p99 ms', 'a            12.5', 'longer-name  3.0'].join('\n'),
  );
});

test('right-aligned columns pad on the left; a rule of dashes follows the header', () => {
  assert.is(
    textTable(
      ['run', 'events/s'],
      [
        ['a', '5'],
        ['b', '1200'],
      ],
      { align: ['left', 'right'], rule: true },
    ),
    ['run  events/s', '---  --------', 'a           5', 'b        1200'].join('\n'),
  );
});

test('lines carry no trailing blanks, also when the last cells are empty or short', () => {
  const t = textTable(
    ['stream', 'detector', 'detected'],
    [
      ['s1', 'adwin', '3/3'],
      ['s2', 'ddm', ''],
      ['s3', 'page-hinkley'],
    ],
  );
  for (const line of t.split('\n')) assert.is(line, line.trimEnd());
  assert.is(t.split('\n')[2], 's2      ddm');
  assert.is(t.split('\n')[3], 's3      page-hinkley');
});

test('a header alone is one line', () => {
  assert.is(textTable(['a', 'bb'], [], { rule: true }), 'a  bb\n-  --');
});

test.run();

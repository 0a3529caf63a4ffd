import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatJunit, xmlEscape } from '../../reports/junit.ts';
import { loadFixture } from './fixture.ts';

test('there is one testsuite and one testcase per threshold', () => {
  const s = loadFixture();
  const xml = formatJunit(s);
  assert.is((xml.match(/<testsuite /g) ?? []).length, 1);
  assert.is((xml.match(/<testcase /g) ?? []).length, s.thresholds.length);
  assert.match(xml, `tests="${s.thresholds.length}" failures="2"`);
});

test('failing thresholds carry a failure with the observed value, passing ones do not', () => {
  const xml = formatJunit(loadFixture());
  const cases = xml.split('<testcase ').slice(1);
  const failing = cases.filter((c) => c.includes('<failure'));
  assert.is(failing.length, 2);
  assert.match(failing[0]!, 'name="latency: p(99)&lt;20"');
  assert.match(failing[0]!, 'observed p(99)=67.7ms');
  assert.match(failing[1]!, 'first failing window: 6000–8000 ms');
  assert.ok(cases.find((c) => c.includes('p(95)&lt;200'))!.indexOf('<failure') === -1);
});

test('markup in names and values is escaped, control characters dropped', () => {
  assert.is(xmlEscape(`a<b>&"c'\u0001`), 'a&lt;b&gt;&amp;&quot;c&apos;');
  const s = loadFixture();
  s.scenario.name = 'x<y>&"z';
  const xml = formatJunit(s);
  assert.match(xml, 'name="pipelab.x&lt;y&gt;&amp;&quot;z"');
  // well-formed enough: every < opens a tag, never raw text
  assert.not.match(xml.replace(/<\/?[a-zA-Z?][^<>]*>/g, ''), /[<>]/);
});

test('a run without thresholds is an empty, valid suite', () => {
  const xml = formatJunit({ ...loadFixture(), thresholds: [] });
  assert.match(xml, 'tests="0" failures="0"');
  assert.not.match(xml, '<testcase');
});

test.run();

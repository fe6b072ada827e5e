/**
 * The CI reporters' escaping: JUnit XML stays well formed whatever an explanation holds, and
 * GitHub workflow commands escape what the runner would otherwise read as syntax
 * (actions/toolkit's escapeData and escapeProperty).
 */
import { describe, expect, it } from 'vitest';
import { githubAnnotations, junitXml, parseReporter, type ReportedSuite }
  from '../../cli/reporters.js';

const suite: ReportedSuite = { name: 'faultline run', cases: [
  { name: 'ok', classname: 'faultline.run.raft', seconds: 0.25, failures: [] },
  { name: 'a<b>&"c"', classname: 'faultline.run.raft', seconds: 1, failures: [{
    property: 'linearizable', message: '100% bad, x: y',
    explanation: 'line 1\nline 2 <stale> & "quoted" \u0001', rerun: 'faultline run a,b.yaml',
    file: 'dir/a,b:c.yaml', line: 7 }] },
] };

describe('reporters', () => {
  it('escapes XML and drops characters XML cannot hold', () => {
    const xml = junitXml(suite);
    expect(xml).toContain('<testcase name="a&lt;b&gt;&amp;&quot;c&quot;"');
    expect(xml).toContain('line 2 &lt;stale&gt; &amp; &quot;quoted&quot; </failure>'.replace(
      ' </failure>', ' \nfile: dir/a,b:c.yaml\nrerun: faultline run a,b.yaml</failure>'));
    expect(xml).not.toContain('\u0001');
    expect(xml).toMatch(/tests="2" failures="1"/);
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    expect(xml.match(/<\/testcase>/g)).toHaveLength(1);
  });

  it('escapes workflow command data and properties', () => {
    expect(githubAnnotations(suite)).toBe('::error file=dir/a%2Cb%3Ac.yaml,line=7,' +
      'title=a<b>&"c"%3A linearizable::100%25 bad, x: y%0Arerun: faultline run a,b.yaml');
  });

  it('parses repeated --reporter values', () => {
    expect(parseReporter('github', parseReporter('junit=out/r.xml')))
      .toEqual([{ kind: 'junit', file: 'out/r.xml' }, { kind: 'github' }]);
    expect(() => parseReporter('junit=')).toThrow(/expected junit=FILE or github/);
  });
});

/** The figures and sentences of the drill reports: durations for people, grouping, the RTO line in each case, Markdown escaping. */
import { describe, expect, it } from 'vitest';
import { rtoLine } from '../../src/report/drill-report-lines.js';
import { markdownCode, markdownText } from '../../src/report/markdown-text.js';
import { exactSeconds, GROUP_SEPARATOR as S, groupedNumber, humanSeconds, utcTime } from '../../src/report/report-figures.js';

describe('humanSeconds', () => {
  it.each([
    [0, '0 s'],
    [0.004, '< 0.01 s'],
    [0.84, '0.84 s'],
    [9.994, '9.99 s'],
    [9.996, '10.0 s'],
    [42.46, '42.5 s'],
    [59.96, '1 min'],
    [125.4, '2 min 5 s'],
    [3599.6, '1 h'],
    [11_400, '3 h 10 min'],
    [14_400, '4 h'],
    [86_399, '1 d'],
    [2 * 86_400 + 4 * 3600 + 100, '2 d 4 h'],
    [-125, '-2 min 5 s'],
  ])('%d s reads %s', (seconds, expected) => {
    expect(humanSeconds(seconds)).toBe(expected);
  });
});

describe('groupedNumber and exactSeconds', () => {
  it('groups thousands with a narrow no-break space, whatever the locale', () => {
    expect(groupedNumber(14_400)).toBe(`14${S}400`);
    expect(groupedNumber(1_234_567.891, 2)).toBe(`1${S}234${S}567.89`);
    expect(groupedNumber(999)).toBe('999');
    expect(groupedNumber(-48_000)).toBe(`-48${S}000`);
    expect(groupedNumber(-0.001)).toBe('0');
    expect(exactSeconds(14_395.18)).toBe(`14${S}395 s`);
    expect(exactSeconds(4.821)).toBe('4.82 s');
  });

  it('writes times in UTC', () => {
    expect(utcTime('2025-03-14T10:26:53.120+01:00')).toBe('2025-03-14 09:26:53 UTC');
    expect(utcTime('yesterday')).toBe('yesterday');
  });
});

describe('rtoLine', () => {
  const objective = { objective: '4h', objectiveSeconds: 14_400 };
  it('says pass with the margin, fail with how much over, or that the rollback did not finish', () => {
    expect(rtoLine({ ...objective, actualSeconds: 5, verdict: 'pass', marginSeconds: 14_395 }, null)).toBe(`rollback took 5.00 s against an RTO of 4h (14${S}400 s): pass, 14${S}395 s to spare`);
    expect(rtoLine({ ...objective, actualSeconds: 15_000, verdict: 'fail', marginSeconds: -600 }, null)).toBe(`rollback took 15${S}000 s (4 h 10 min) against an RTO of 4h (14${S}400 s): fail, 600 s over`);
    expect(rtoLine({ ...objective, actualSeconds: null, verdict: 'fail', marginSeconds: null }, null)).toBe(`rollback did not run against an RTO of 4h (14${S}400 s): fail`);
  });
});

describe('markdownText', () => {
  it('escapes what Markdown would read as syntax and leaves paths readable', () => {
    expect(markdownText('<b>a|b</b> `x` *y* [z](u)')).toBe('\\<b\\>a\\|b\\</b\\> \\`x\\` \\*y\\* \\[z\\](u)');
    expect(markdownText('/tmp/drill_report_1.md & more')).toBe('/tmp/drill_report_1.md & more');
    expect(markdownText('_lead &amp; C:\\dir\\file \\*')).toBe('\\_lead \\&amp; C:\\dir\\file \\\\\\*');
    expect(markdownText('two\nlines')).toBe('two lines');
  });

  it('fences code with more backticks than it holds', () => {
    expect(markdownCode('a`b|c')).toBe('``a`b\\|c``');
    expect(markdownCode('/srv/x')).toBe('`/srv/x`');
  });
});

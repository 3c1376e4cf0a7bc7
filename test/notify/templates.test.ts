import { describe, expect, test } from 'vitest';
import { BUILTIN_TEMPLATES, readBuiltinTemplate } from '../../src/notify/builtin-templates.js';
import { recoveryFacts } from '../../src/notify/facts.js';
import { renderTemplate } from '../../src/notify/render.js';
import { templateProblems } from '../../src/notify/template-problems.js';
import { FULL_FACTS, REQUIRED_FACTS } from './notify-facts.js';

describe('built-in templates', () => {
  test.each(BUILTIN_TEMPLATES)('%s has no problems', async (name) => {
    expect(templateProblems(await readBuiltinTemplate(name), name)).toEqual([]);
  });

  test.each(BUILTIN_TEMPLATES)('%s renders with every fact', async (name) => {
    const message = await renderTemplate(await readBuiltinTemplate(name), name, FULL_FACTS);
    expect(message.subject).not.toContain('\n');
    expect(message.subject.length).toBeGreaterThan(5);
    expect(message.markdown).not.toMatch(/\{\{|\{%|undefined|\[object Object\]/);
    expect(message.text).not.toMatch(/\*\*|^#/m);
    if (name !== 'customer') expect(`${message.subject}\n${message.markdown}`).toMatch(/salesforce/);
  });

  test.each(BUILTIN_TEMPLATES)('%s renders with only the required facts', async (name) => {
    const message = await renderTemplate(await readBuiltinTemplate(name), name, REQUIRED_FACTS);
    expect(message.markdown).not.toMatch(/\{\{|\{%|undefined|null|\[object Object\]/);
    expect(message.markdown.trim().length).toBeGreaterThan(20);
  });

  test('the messages carry the measured figures', async () => {
    const completed = await renderTemplate(await readBuiltinTemplate('rollback-completed'), 'rollback-completed', FULL_FACTS);
    expect(completed.subject).toBe('[Acme CRM move] Rollback completed: legacy is back');
    expect(completed.markdown).toContain('| Freeze target users | succeeded | 1.3 |');
    expect(completed.markdown).toContain('| restore | succeeded | 590.4 |');
    expect(completed.markdown).toContain('| reconcile | skipped | – |');
    expect(completed.markdown).toContain('Total: 600.3 seconds against a recovery time objective of 4h (14400 seconds)');
    expect(completed.markdown).toContain('Restored: 15230 records.');

    const escalation = await renderTemplate(await readBuiltinTemplate('management-escalation'), 'management-escalation', FULL_FACTS);
    expect(escalation.markdown).toContain('- errors: measured 7.5% against 5% at 2025-03-01T02:00:00.000Z. error rate above threshold');
    expect(escalation.markdown).toContain('- record_count: measured not measurable');
    expect(escalation.markdown).toContain('expected back to normal by 2025-03-01T06:06:00.000Z');
    expect(escalation.markdown).toContain('**Decision:** rollback, by dana at 2025-03-01T02:05:00.000Z. Reason: orders fail to sync');
    expect(escalation.text).toContain('Decision: rollback, by dana');

    const steps = await renderTemplate(await readBuiltinTemplate('post-rollback-next-steps'), 'post-rollback-next-steps', FULL_FACTS);
    expect(steps.markdown).toContain('1. Carry the 87 exported records back into legacy\n2. Reset salesforce to its baseline');
  });

  test('recovery facts add the RTO to the start of the rollback', () => {
    expect(recoveryFacts('30m', new Date('2025-01-01T00:00:00Z'))).toEqual({ rto: '30m', rto_seconds: 1800, expected_back_at: '2025-01-01T00:30:00.000Z' });
    expect(recoveryFacts('2d')).toEqual({ rto: '2d', rto_seconds: 172_800 });
  });
});

describe('strict templates', () => {
  const misspelt = ['---', 'subject: "Rollback of {{ project.name }}"', '---', '# Hello', 'Reason: {{ decision.resaon }}', ''].join('\n');

  test('rendering fails on an unknown variable, naming it and the line', async () => {
    await expect(renderTemplate(misspelt, 'bad', FULL_FACTS)).rejects.toThrow(/bad cannot be rendered: .*decision\.resaon.*line:5/);
  });

  test('templateProblems finds it without rendering, with the line of the file', () => {
    expect(templateProblems(misspelt, 'bad')).toEqual(['bad:5: unknown variable decision.resaon (decision has decision, reason, by, at)']);
  });

  test('templateProblems checks paths inside loops, unknown roots and filters, and all problems at once', () => {
    const text = [
      '---',
      'subject: "{{ projct.name }}"',
      '---',
      '{% for t in triggers %}{{ t.mesured }} {{ forloop.index }} {{ t.check.size }}{% endfor %}',
      '{% for s in runbook.steps %}{{ s.seconds | no_such_filter }}{% for x in s.name %}{% endfor %}{% endfor %}',
      '{% assign lead = contacts.first %}{{ lead.anything }} {{ runbook.steps[0].status }} {{ triggers.size }}',
    ].join('\n');
    expect(templateProblems(text, 't')).toEqual([
      expect.stringMatching(/^t \(subject\):1: unknown variable projct \(the facts are event, generated_at, project/),
      expect.stringMatching(/^t: undefined filter: no_such_filter, line:5/),
      't:4: unknown variable t.mesured (t has name, check, status, measured, threshold, reason, at)',
      't:5: s.name is not a list; a for loop needs one',
    ]);
  });

  test('templates cannot read files or reach prototypes', async () => {
    expect(templateProblems('---\nsubject: x\n---\n{% include "/etc/passwd" %}', 'inc')).toEqual([expect.stringMatching(/^inc: tag "include" not found/)]);
    expect(templateProblems('---\nsubject: x\n---\n{% render "x" %}', 'ren')).toEqual([expect.stringMatching(/^ren: tag "render" not found/)]);
    expect(templateProblems('---\nsubject: x\n---\n{{ project.constructor }}', 'proto')).toEqual([expect.stringMatching(/unknown variable project.constructor/)]);
    await expect(renderTemplate('---\nsubject: x\n---\n{{ project.constructor }}', 'proto', FULL_FACTS)).rejects.toThrow(/undefined variable/);
  });

  test('front matter problems are reported', () => {
    expect(templateProblems('# no front matter', 'none')).toEqual([expect.stringMatching(/must start with front matter/)]);
    expect(templateProblems('---\ntitle: x\n---\nbody', 'keys')).toEqual([
      'keys: unknown front matter key "title" (known: subject, description)',
      'keys: front matter needs a subject',
    ]);
  });
});

/**
 * Free text of a CRM: descriptions, meeting notes, e-mail bodies, subjects.
 * Mostly English with other languages, emoji, quotes, tabs and line breaks
 * mixed in, and now and then a text long enough (over 4 KB) to find every
 * column and buffer that truncates.
 */
import type { Rng } from '../random.js';

const SENTENCES = [
  'Long-standing customer; renewals are handled by their procurement team.',
  'Key account — escalate every support ticket to the account manager.',
  'Met at the trade show in Hannover, interested in the enterprise tier.',
  'Budget approved for Q3, waiting for legal to review the MSA.',
  'They asked for a discount of 15% on a three-year commitment.',
  'Decision maker is the CFO; the IT director is the champion.',
  'Switched from a competitor last year after a failed rollout.',
  'Invoices go to the Dublin office, not headquarters.',
  'Prefers calls in the morning (their time zone), never on Fridays.',
  'Do not send marketing e-mails: they opted out in 2021.',
  'Onboarding took longer than planned because of SSO issues.',
  'Asked for a reference customer in the same industry.',
  'Contract includes a "most favoured customer" clause — check before quoting.',
  'Security questionnaire returned; pen-test report requested.',
  'Their fiscal year ends in March, so expect purchases in Q1.',
  'Follow up after the board meeting on the 14th.',
  'Uses our API heavily: ~2M calls per month.',
  'Payment terms: net 60, PO required on every invoice.',
  'New VP of Sales started last month and is reviewing all vendors.',
  'Shipping address differs from billing; see attached note.',
  'Kunde wünscht Rückruf bezüglich der Lieferbedingungen.',
  'Le client souhaite une démonstration avant la fin du trimestre.',
  'El cliente pidió una propuesta revisada con precios en euros.',
  'Klient prosi o ofertę w złotówkach, z terminem płatności 30 dni.',
  '担当者は来月から大阪支社に異動になります。',
  '客户希望下周安排一次线上演示。',
  'العميل يطلب عرض أسعار محدثاً قبل نهاية الشهر.',
  'הלקוח ביקש הצעת מחיר מעודכנת עד סוף החודש.',
  'Great call today 🎉 — they loved the new dashboard!',
  'Risk: champion is leaving the company ⚠️',
  'Tab-separated export from the old system:\tregion=EMEA\ttier=2',
  "Quote from the customer: 'we can't go live without the Outlook add-in'.",
  'Path of the shared contract folder: C:\\Contracts\\2023\\signed',
];

const NOTE_OPENERS = [
  'Meeting notes', 'Call summary', 'Quarterly business review', 'Discovery call', 'Escalation', 'Pricing discussion',
  'Renewal check-in', 'Site visit', 'Kick-off', 'Compte rendu', 'Besprechungsnotiz', '議事録', 'ملخص الاجتماع',
];

const SUBJECTS: Record<'call' | 'email' | 'meeting' | 'task', readonly string[]> = {
  call: ['Call with {name}', 'Follow-up call: pricing', 'Intro call', 'Check-in call with {name}', 'Call back re: invoice', 'Cold call', 'Rückruf {name}'],
  email: ['Re: Proposal for {company}', 'Fwd: Contract draft v3', 'Your quote', 'Re: Re: Meeting next week', 'Intro — {company} × us', 'Invoice #{n}', 'Re: 見積書の件'],
  meeting: ['Quarterly business review', 'Demo for {company}', 'On-site workshop', 'Kick-off meeting', 'Lunch with {name}', 'Réunion de suivi', 'Executive briefing'],
  task: ['Send proposal', 'Prepare contract', 'Update opportunity', 'Send follow-up e-mail', 'Review security questionnaire', 'Book travel to {city}', 'Renewal reminder'],
};

/** A few sentences, as a short description. */
export function shortText(rng: Rng, sentences = rng.between(1, 3)): string {
  const parts: string[] = [];
  for (let i = 0; i < sentences; i += 1) parts.push(rng.pick(SENTENCES));
  return parts.join(' ');
}

/** Paragraphs up to about `length` characters, separated by blank lines. */
export function longText(rng: Rng, length: number): string {
  const paragraphs: string[] = [];
  let size = 0;
  while (size < length) {
    const paragraph = shortText(rng, rng.between(3, 7));
    paragraphs.push(paragraph);
    size += paragraph.length + 2;
  }
  return paragraphs.join('\n\n');
}

/**
 * A description field: NULL with probability `nullShare`, usually a few
 * sentences, and with probability `longShare` a long text of 4–16 KB.
 */
export function description(rng: Rng, nullShare: number, longShare: number): string | null {
  const r = rng.next();
  if (r < nullShare) return null;
  if (r < nullShare + longShare) return longText(rng, rng.between(4_200, 16_000));
  return shortText(rng);
}

/** The body of a note: a heading line, then one or more paragraphs. */
export function noteBody(rng: Rng, longShare: number): string {
  const heading = `${rng.pick(NOTE_OPENERS)} — ${rng.pick(['✔', '•', '#', ''])}`.trim();
  const body = rng.chance(longShare) ? longText(rng, rng.between(4_200, 20_000)) : longText(rng, rng.between(80, 900));
  return `${heading}\n${body}`;
}

/** A note's title. */
export function noteTitle(rng: Rng): string {
  return `${rng.pick(NOTE_OPENERS)} ${rng.pick(['', '(draft)', '- follow-up', '#2', 'Q' + String(rng.between(1, 4))])}`.trim();
}

/** A subject for an activity of the kind, filled in with a name, company or city. */
export function subject(rng: Rng, kind: keyof typeof SUBJECTS, fill: { name: string; company: string; city: string }): string {
  return rng
    .pick(SUBJECTS[kind])
    .replace('{name}', fill.name)
    .replace('{company}', fill.company)
    .replace('{city}', fill.city)
    .replace('{n}', String(rng.between(10000, 99999)));
}

/** Job titles of contacts. */
export const CONTACT_TITLES = [
  'CEO', 'CFO', 'CTO', 'VP of Sales', 'Head of Procurement', 'IT Manager', 'Office Manager', 'Software Engineer', 'Buyer',
  'Purchasing Manager', 'Director of Operations', 'Marketing Director', 'Directrice commerciale', 'Geschäftsführer', '営業部長',
  'Chief Revenue Officer', 'Account Payable Clerk', 'Head of IT Security', 'COO', 'Project Manager',
];

/** Departments. */
export const DEPARTMENTS = ['Sales', 'Finance', 'IT', 'Operations', 'Purchasing', 'Marketing', 'HR', 'Legal', 'Executive'];

/** Browser user agents of logins. */
export const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51',
  'CRM-Outlook-Plugin/3.2.1 (Windows; .NET 4.8)',
];

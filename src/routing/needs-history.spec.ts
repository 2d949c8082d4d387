import { describe, expect, it } from '@jest/globals';
import { needsHistory } from './needs-history.js';
import type { HistoryTurn } from './routing.types.js';

const capitalOfFrance: HistoryTurn[] = [
  { role: 'user', content: 'What is the capital of France?' },
  { role: 'assistant', content: 'The capital of France is Paris.', route: 'ultra_fast' },
];
const toolConversation: HistoryTurn[] = [
  { role: 'user', content: 'list the files in src' },
  { role: 'assistant', content: 'src contains main.ts and app.module.ts.', route: 'needs_tools' },
];
const coverLetter: HistoryTurn[] = [
  { role: 'user', content: 'write a cover letter for a barista job' },
  { role: 'assistant', content: 'Dear Hiring Team, I am excited to apply…', route: 'direct_llm' },
];
const offerToCreate: HistoryTurn[] = [
  { role: 'user', content: 'is there a CONTRIBUTING.md?' },
  { role: 'assistant', content: 'No. Shall I create one?', route: 'needs_tools' },
];
const squared: HistoryTurn[] = [
  { role: 'user', content: "what's 12 times 3" },
  { role: 'assistant', content: '36.', route: 'ultra_fast' },
];
const partyPlanning: HistoryTurn[] = [
  { role: 'user', content: 'help me plan a dinner party' },
  { role: 'assistant', content: 'Sure! How many guests?', route: 'direct_llm' },
];
const invoices: HistoryTurn[] = [
  { role: 'user', content: 'list the invoices in billing/' },
  {
    role: 'assistant',
    content: 'billing/ has jan.pdf, feb.pdf and mar.pdf.',
    route: 'needs_tools',
  },
];
const laptops: HistoryTurn[] = [
  { role: 'user', content: 'suggest three laptops under 1000 euros' },
  {
    role: 'assistant',
    content: '1. Lenovo ThinkPad E14\n2. MacBook Air M2\n3. ASUS Zenbook 14',
    route: 'direct_llm',
  },
];
const meeting: HistoryTurn[] = [
  { role: 'user', content: 'book the dentist for 9:30 tomorrow' },
  { role: 'assistant', content: 'Booked: dentist, tomorrow at 9:30.', route: 'needs_tools' },
];
const frenchCapital: HistoryTurn[] = [
  { role: 'user', content: 'quelle est la capitale du Pérou ?' },
  { role: 'assistant', content: 'Lima.', route: 'ultra_fast' },
];
const spanishEmail: HistoryTurn[] = [
  { role: 'user', content: 'escribe un correo para mi jefe' },
  {
    role: 'assistant',
    content: 'Estimado Juan: le escribo para informarle...',
    route: 'direct_llm',
  },
];
const germanMessage: HistoryTurn[] = [
  { role: 'user', content: 'schreib eine Nachricht an mein Team' },
  {
    role: 'assistant',
    content: 'Hallo zusammen, ich wollte euch mitteilen...',
    route: 'direct_llm',
  },
];

describe('needsHistory', () => {
  it('is false without earlier turns, whatever the wording', () => {
    expect(needsHistory('now save that to a file', [])).toEqual({
      needsHistory: false,
      reason: 'no earlier turns',
    });
  });

  it.each([
    ['And Germany?', capitalOfFrance],
    ['what about Spain?', capitalOfFrance],
    ['now save that to a file', toolConversation],
    ['open the second one', toolConversation],
    ['make it shorter', coverLetter],
    ['more formal please', coverLetter],
    ['translate it to German', coverLetter],
    ['rewrite the second paragraph so it sounds less salesy', coverLetter],
    ['I disagree with your point about the salary', coverLetter],
    ['why?', coverLetter],
    ['yes please', offerToCreate],
    ['ok do it', offerToCreate],
    ['squared?', squared],
    ['and to the fourth?', squared],
    ['12', partyPlanning],
    ['open the most recent one', invoices],
    ['go through each of them and summarize what they say', invoices],
    ['which one is the oldest?', invoices],
    // A leading condition is no set of the message's own: the pick is still from the list before.
    ['ignoring price, which one?', laptops],
    ['for gaming and video editing, which of them is better?', laptops],
    ['so which one is better: the first or the last one?', laptops],
    ['pour voyager en train, lequel est le plus léger ?', laptops],
    ['for travel and office work, which one is better?', laptops],
    ['look at the specs and tell me which of them is lightest', laptops],
    ['show me their prices and tell me which one is cheapest', laptops],
    ['such a long list, which one is best?', laptops],
    ['show me their prices and tell me the cheapest of them', laptops],
    ['give me 3 pros for each and tell me which one you would pick', laptops],
    ['w/o the charger, is it lighter?', laptops],
    // "a.m." and "24/7" are no file names for a pronoun to point at.
    ['a.m. or p.m.? move it', meeting],
    ['less apologetic', coverLetter],
    ['et pour le Chili ?', frenchCapital],
    ['hazlo más corto', spanishEmail],
    ['mach es kürzer', germanMessage],
  ])('needs the history for %j', (message, history) => {
    expect(needsHistory(message, history).needsHistory).toBe(true);
  });

  it.each([
    ['What is the boiling point of water?', toolConversation],
    ['thanks!', toolConversation],
    ['ok thanks, bye', coverLetter],
    ['write a haiku about the ocean', toolConversation],
    ['explain how public key cryptography works', toolConversation],
    ['list the files in the docs folder', coverLetter],
    ['write a function that merges two sorted arrays and explain how it works', squared],
    ['thanks! now list what is in the docs folder', squared],
    ['thank you! next: who painted the night watch?', invoices],
    ['what is 12 times 4?', squared],
    // Asked again: as self-contained as the first time, so the repeat hits the context-free cache.
    ['What is the capital of France', capitalOfFrance],
    ['define entropy in one line', [...capitalOfFrance, ...squared]],
    // The pick is from the set the message's own opening request brings up.
    ['list the files in the reports folder and tell me which one is the oldest', capitalOfFrance],
    ['read notes/ideas.md and tell me which of them are about music', invoices],
    ['please list the files in the reports folder and tell me which one is the oldest', laptops],
    ['can you look in reports/2024 and tell me which one is the oldest?', capitalOfFrance],
    ['write three slogans for a bakery and tell me which of them you like best', laptops],
    ['list the last 10 commits on main and tell me which one broke the build', capitalOfFrance],
    // A pronoun before the pick, or one after a rank, is not the pick's own.
    ['i have two job offers, one in paris and one in berlin. which one should i take?', laptops],
    ['my monstera has brown spots at the bottom, it looks sick. why?', capitalOfFrance],
  ])('treats %j as self-contained', (message, history) => {
    expect(needsHistory(message, history).needsHistory).toBe(false);
  });

  it('reads "this" as pasted content, not as a reference to the history', () => {
    const message =
      'summarize this: The committee met on Tuesday and agreed to cut travel spending by ten ' +
      'percent, moving the savings into the training programme.';
    expect(needsHistory(message, coverLetter).needsHistory).toBe(false);
  });

  it('explains its answer with the strongest cue and the probability', () => {
    expect(needsHistory('And Germany?', capitalOfFrance).reason).toMatch(
      /^needs history: .*continuation.* \(p=\d\.\d\d\)$/,
    );
    expect(needsHistory('What is the boiling point of water?', toolConversation).reason).toMatch(
      /^self-contained: .* \(p=\d\.\d\d\)$/,
    );
  });

  it('reads what the turns say, not the route label stored with them', () => {
    const labels = [undefined, 'direct_llm', 'needs_tools', 'ultra_fast', 'complex'] as const;
    const judgements = labels.map((route) =>
      needsHistory('and in src?', [
        { role: 'user', content: 'list the files in docs' },
        { role: 'assistant', content: 'docs/ has a.md and b.md.', ...(route ? { route } : {}) },
      ]),
    );
    for (const judgement of judgements) expect(judgement).toEqual(judgements[0]);
  });

  it('only scans the start of very long messages', () => {
    const message = `Rewrite the above in plain English.\n${'Lorem ipsum dolor sit amet. '.repeat(400)}`;
    expect(needsHistory(message, coverLetter).needsHistory).toBe(true);
    const tail = `${'Lorem ipsum dolor sit amet. '.repeat(400)}\nnow save that`;
    expect(needsHistory(tail, coverLetter).needsHistory).toBe(false);
  });
});

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
  ])('treats %j as self-contained', (message, history) => {
    expect(needsHistory(message, history).needsHistory).toBe(false);
  });

  it('reads "this" as pasted content, not as a reference to the history', () => {
    const message =
      'summarize this: The committee met on Tuesday and agreed to cut travel spending by ten ' +
      'percent, moving the savings into the training programme.';
    expect(needsHistory(message, coverLetter).needsHistory).toBe(false);
  });

  it('explains its answer', () => {
    expect(needsHistory('And Germany?', capitalOfFrance).reason).toMatch(/continuation/);
  });

  it('only scans the start of very long messages', () => {
    const message = `Rewrite the above in plain English.\n${'Lorem ipsum dolor sit amet. '.repeat(400)}`;
    expect(needsHistory(message, coverLetter).needsHistory).toBe(true);
    const tail = `${'Lorem ipsum dolor sit amet. '.repeat(400)}\nnow save that`;
    expect(needsHistory(tail, coverLetter).needsHistory).toBe(false);
  });
});

import { describe, expect, it } from '@jest/globals';
import { LocalRouter, ROUTER_VERSION } from './local-router.js';
import {
  ROUTES,
  type HistoryTurn,
  type LocalDecision,
  type Route,
  type RoutingInput,
} from './routing.types.js';

const router = new LocalRouter();

const toolConversation: HistoryTurn[] = [
  { role: 'user', content: 'read package.json and tell me which test runner we use' },
  { role: 'assistant', content: 'package.json lists jest 30.', route: 'needs_tools' },
];
const capitalOfFrance: HistoryTurn[] = [
  { role: 'user', content: 'What is the capital of France?' },
  { role: 'assistant', content: 'The capital of France is Paris.', route: 'ultra_fast' },
];
const pastedParagraph =
  'The committee met on Tuesday to review the budget. After a long debate, members agreed to ' +
  'cut travel spending by ten percent and to move the savings into the training programme, ' +
  'which several departments had asked to expand.';

/** One earlier exchange, answered through the endpoint that stores `route` (or none). */
function after(user: string, assistant: string, route?: Route): HistoryTurn[] {
  return [
    { role: 'user', content: user },
    { role: 'assistant', content: assistant, ...(route ? { route } : {}) },
  ];
}

function decide(message: string, overrides: Partial<RoutingInput> = {}): LocalDecision {
  return router.decide({ message, history: [], toolsAvailable: true, ...overrides });
}

function expectWellFormed(decision: LocalDecision): void {
  const scores = decision.candidates.map((candidate) => candidate.score);
  expect(decision.candidates.map((candidate) => candidate.route).sort()).toEqual(
    [...ROUTES].sort(),
  );
  expect(scores).toEqual([...scores].sort((a, b) => b - a));
  expect(scores.reduce((sum, score) => sum + score, 0)).toBeCloseTo(1, 6);
  expect(decision.candidates[0]).toEqual({ route: decision.route, score: decision.confidence });
  expect(decision.reason).not.toBe('');
}

describe('LocalRouter', () => {
  it.each([
    ['hi', 'ultra_fast'],
    ["what's 5 km in miles", 'ultra_fast'],
    ['how many minutes in an hour?', 'ultra_fast'],
    ['write a python function to reverse a list', 'direct_llm'],
    ['explain the difference between TCP and UDP in depth', 'direct_llm'],
    [`summarize this: ${pastedParagraph}`, 'direct_llm'],
    ['read src/app.ts and tell me what it does', 'needs_tools'],
    ['list the files in the docs folder', 'needs_tools'],
    ['analyze my codebase and create a summary report', 'complex'],
    [
      'go through every file in src, find the TODOs and write a prioritized plan to plan.md',
      'complex',
    ],
  ])('routes %j to %s', (message, route) => {
    const decision = decide(message);
    expect(decision.route).toBe(route);
    expectWellFormed(decision);
  });

  it('follows up "And Germany?" on the earlier question', () => {
    const decision = decide('And Germany?', { history: capitalOfFrance });
    expect(decision).toMatchObject({ route: 'ultra_fast', needsHistory: true });
  });

  it('answers a self-contained fact after a tool conversation without the history', () => {
    const decision = decide('What is the boiling point of water?', { history: toolConversation });
    expect(decision).toMatchObject({ route: 'ultra_fast', needsHistory: false });
  });

  it('treats "now save that to a file" after a tool conversation as a tool follow-up', () => {
    const decision = decide('now save that to a file', { history: toolConversation });
    expect(decision).toMatchObject({ route: 'needs_tools', needsHistory: true });
  });

  it('says which rule decided', () => {
    expect(decide('thanks a lot!')).toMatchObject({ decidedBy: 'rules', route: 'ultra_fast' });
    expect(decide('thanks a lot!').reason).toMatch(/^rule: /);
  });

  it('says what the classifier weighed', () => {
    const decision = decide('explain the difference between TCP and UDP in depth');
    expect(decision.decidedBy).toBe('classifier');
    expect(decision.reason).toMatch(/^classifier: direct_llm \d\.\d\d over \w+ \d\.\d\d/);
  });

  describe('without tools', () => {
    it.each([
      'read src/app.ts and tell me what it does',
      'list the files in the docs folder',
      'analyze my codebase and create a summary report',
    ])('sends %j to direct_llm and gives tool routes no weight', (message) => {
      const decision = decide(message, { toolsAvailable: false });
      expect(decision.route).toBe('direct_llm');
      expect(decision.reason).toMatch(/no tools available/);
      for (const candidate of decision.candidates) {
        if (candidate.route === 'needs_tools' || candidate.route === 'complex') {
          expect(candidate.score).toBe(0);
        }
      }
      expectWellFormed(decision);
    });

    it('leaves routes that need no tools alone', () => {
      expect(decide('hi', { toolsAvailable: false }).route).toBe('ultra_fast');
    });
  });

  it('handles a very long pasted message', () => {
    const message = `Please summarize the key risks in these notes:\n\n${pastedParagraph.repeat(150)}`;
    const decision = decide(message);
    expect(decision.route).toBe('direct_llm');
    expectWellFormed(decision);
  });

  it('gives the same answer regardless of what it routed before', () => {
    const first = decide('read src/app.ts and tell me what it does');
    decide(`summarize this: ${pastedParagraph.repeat(40)}`, { history: toolConversation });
    expect(decide('read src/app.ts and tell me what it does')).toEqual(first);
  });

  it('publishes a version that identifies rules and weights', () => {
    expect(ROUTER_VERSION).toMatch(/^local-r\d+-[0-9a-f]{8}$/);
  });

  describe('boundaries', () => {
    it.each([
      ['plan and carry out a cleanup of the project folder', 'complex'],
      [
        'tidy up the repo: drop dead scripts, merge the duplicate configs, refresh the readme',
        'complex',
      ],
      [
        'create a file named plan.md with exactly this content:\n' +
          '- first analyze every module, then write the report for each team\n'.repeat(20),
        'needs_tools',
      ],
      ['peek at a log and tell me the latest error', 'needs_tools'],
      ['in one line: rust vs go', 'ultra_fast'],
      ['one sentence: kafka vs rabbitmq?', 'ultra_fast'],
    ])('routes %j to %s', (message, route) => {
      expect(decide(message).route).toBe(route);
    });

    it.each([
      ['lis le fichier config.yaml', 'needs_tools'],
      ['muestra el contenido de notas.md', 'needs_tools'],
      ['zeig mir den Inhalt von notes.md', 'needs_tools'],
      ['supprime le fichier vieux.txt', 'needs_tools'],
      ['borra el archivo viejo.txt', 'needs_tools'],
      ['lösche die Datei alt.log', 'needs_tools'],
    ])('routes the tool request %j like its English twin (%s)', (message, route) => {
      expect(decide(message).route).toBe(route);
    });
  });

  describe('follow-ups', () => {
    it.each([
      ['and for Ecuador?', after('capital of Colombia?', 'Bogotá.'), 'ultra_fast'],
      ['which year?', after('who wrote Moby Dick?', 'Herman Melville.'), 'ultra_fast'],
      ['12', after('help me plan a dinner party', 'Sure! How many guests?'), 'direct_llm'],
      [
        'open the most recent one',
        after('list the invoices in billing/', 'billing/ has jan.pdf, feb.pdf and mar.pdf.'),
        'needs_tools',
      ],
      [
        'go through each of them and summarize what they say',
        after('which notes do I have about the trip?', 'notes/ has lisbon.md, porto.md, faro.md.'),
        'complex',
      ],
      [
        'less formal',
        after('write a thank-you email to a client', 'Dear Mr. Ito, I would like to express...'),
        'direct_llm',
      ],
    ])('routes %j by what it continues (%s)', (message, history, route) => {
      expect(decide(message, { history })).toMatchObject({ route, needsHistory: true });
    });

    it('decides the same whichever endpoint answered the previous turn', () => {
      const labels = [undefined, ...ROUTES];
      for (const message of ['and for Ecuador?', 'what is the capital of Ecuador?', 'why?']) {
        const decisions = labels.map((route) =>
          decide(message, { history: after('capital of Colombia?', 'Bogotá.', route) }),
        );
        for (const decision of decisions) expect(decision).toEqual(decisions[0]);
      }
    });

    it('routes a self-contained message as if nothing came before it', () => {
      for (const message of [
        'thank you! next: who painted the night watch?',
        'write a function that merges two sorted arrays and explain how it works',
        'list the files in the docs folder',
      ]) {
        const alone = decide(message);
        const afterTools = decide(message, { history: toolConversation });
        expect(afterTools.needsHistory).toBe(false);
        expect(afterTools.route).toBe(alone.route);
        expect(afterTools.candidates).toEqual(alone.candidates);
      }
    });
  });

  it.each(['the thing', 'why', 'is it good'])(
    'stays unsure about %j: too vague to route without context',
    (message) => {
      const decision = decide(message);
      expect(decision.confidence).toBeLessThanOrEqual(0.5);
      expect(decision.reason).toMatch(/too vague/);
      expectWellFormed(decision);
    },
  );

  it('describes a message by feature names, never by its words', () => {
    const names = router.describe({
      message: 'and the invoices from Zanzibar?',
      history: toolConversation,
      toolsAvailable: true,
    });
    expect(names).toEqual(expect.arrayContaining(['followUp', 'question']));
    expect(names.join(' ')).not.toMatch(/invoices|zanzibar/i);
  });
});

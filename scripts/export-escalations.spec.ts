import { describe, expect, it } from '@jest/globals';
import { exportEscalations } from './export-escalations.js';
import { parseRoutingExamples } from './routing-dataset.js';

const base = {
  level: 30,
  time: 1767225600000,
  pid: 7,
  event: 'router_escalation',
  features: ['words<=3', 'vague'],
  tools_available: true,
  msg: 'router escalation',
};

function record(fields: Record<string, unknown>): string {
  return JSON.stringify({ ...base, ...fields });
}

const hashedOnly = record({
  hash: 'h-hidden',
  local: { route: 'ultra_fast', needs_history: false, confidence: 0.5 },
  model: { route: 'direct_llm', needs_history: false, confidence: 0.8 },
  agreed: false,
});
const withText = record({
  hash: 'h-text',
  local: { route: 'ultra_fast', needs_history: false, confidence: 0.5 },
  model: { route: 'complex', needs_history: true, confidence: 0.9 },
  agreed: false,
  text: 'do the same for the rest',
  history: [
    { role: 'user', content: 'tidy src/a.ts' },
    { role: 'assistant', content: 'Tidied src/a.ts.', route: 'needs_tools' },
  ],
});
const agreedWithText = record({
  hash: 'h-agreed',
  tools_available: false,
  local: { route: 'direct_llm', needs_history: false, confidence: 0.55 },
  model: { route: 'direct_llm', needs_history: true, confidence: 0.7 },
  agreed: true,
  text: 'hmm, what about it',
  history: [],
});
const noise = [
  '',
  'not json at all',
  JSON.stringify({ level: 30, msg: 'request completed', res: { statusCode: 200 } }),
  record({ hash: 'h-bad', local: { route: 'teleport' }, model: { route: 'complex' } }),
];

describe('exportEscalations', () => {
  const lines = [...noise, hashedOnly, withText, agreedWithText];

  it('turns records with text into dataset lines labelled with the model’s decision', () => {
    const result = exportEscalations(lines, { disagreementsOnly: false, includeHashed: false });

    expect(result).toMatchObject({ escalations: 3, agreed: 1, withoutText: 1 });
    const examples = parseRoutingExamples(result.lines.join('\n'));
    expect(examples).toEqual([
      expect.objectContaining({
        message: 'do the same for the rest',
        route: 'complex',
        needsHistory: true,
        toolsAvailable: true,
        category: 'escalation',
      }),
      expect.objectContaining({
        message: 'hmm, what about it',
        history: [],
        route: 'direct_llm',
        needsHistory: false,
        toolsAvailable: false,
      }),
    ]);
    expect(JSON.parse(result.lines[0])).toMatchObject({
      source: 'escalation',
      hash: 'h-text',
      local_route: 'ultra_fast',
      history: [{ role: 'user', content: 'tidy src/a.ts' }, { role: 'assistant' }],
    });
  });

  it('keeps only the disagreements when asked', () => {
    const result = exportEscalations(lines, { disagreementsOnly: true, includeHashed: false });

    expect(result.lines.map((line) => (JSON.parse(line) as { hash: string }).hash)).toEqual([
      'h-text',
    ]);
  });

  it('writes records without text as hash, features and routes only when asked', () => {
    const result = exportEscalations(lines, { disagreementsOnly: false, includeHashed: true });

    const hashed = result.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(hashed).toContainEqual({
      route: 'direct_llm',
      needs_history: false,
      tools_available: true,
      features: ['words<=3', 'vague'],
      source: 'escalation',
      hash: 'h-hidden',
      local_route: 'ultra_fast',
      local_needs_history: false,
    });
    expect(result.lines.join('\n')).not.toMatch(/"message"[^]*h-hidden/);
  });

  it('writes a message escalated twice once, with the latest decision', () => {
    const later = withText.replace('"route":"complex"', '"route":"needs_tools"');
    const result = exportEscalations([withText, later], {
      disagreementsOnly: false,
      includeHashed: false,
    });

    expect(result.lines).toHaveLength(1);
    expect(JSON.parse(result.lines[0])).toMatchObject({ route: 'needs_tools' });
  });
});

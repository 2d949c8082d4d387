import { describe, expect, it } from '@jest/globals';
import { ModelReply, ToolUse } from '../../llm/model.types.js';
import { PLAN_TOOL_NAME, PlannedStep, planTool, readPlan } from './plan.js';

const REQUEST = 'Analyze my codebase and create a summary report';

/** A planner reply as LLMService returns it: the forced tool call, if any, and nothing else. */
function reply(...toolUses: ToolUse[]): ModelReply {
  return {
    model: 'test-model',
    text: '',
    toolUses,
    content: toolUses.map((use) => ({ type: 'tool_use' as const, ...use })),
    usage: { input_tokens: 10, output_tokens: 5 },
    stopReason: toolUses.length > 0 ? 'tool_use' : 'end_turn',
  };
}

function planReply(steps: unknown): ModelReply {
  return reply({ id: 'toolu_plan', name: PLAN_TOOL_NAME, input: { steps } });
}

function step(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { title, instruction: `Do: ${title}`, ...extra };
}

function plan(steps: unknown, maxSteps = 5, toolsAvailable = true): PlannedStep[] {
  return readPlan(planReply(steps), REQUEST, maxSteps, toolsAvailable);
}

const WHOLE_REQUEST: PlannedStep = {
  index: 1,
  title: 'Do the request',
  instruction: REQUEST,
  dependsOn: [],
  usesTools: true,
};

describe('planTool', () => {
  it('is the submit_plan tool, capped at maxSteps steps', () => {
    const tool = planTool(3);
    expect(tool.name).toBe(PLAN_TOOL_NAME);
    expect(tool.description).toContain('at most 3 steps');
    expect(tool.inputSchema).toMatchObject({
      type: 'object',
      required: ['steps'],
      properties: { steps: { type: 'array', maxItems: 3 } },
    });
  });
});

describe('readPlan', () => {
  it('reads the steps in order, numbered from 1', () => {
    const steps = plan([
      step('List files', { uses_tools: true }),
      step('Read the README', { depends_on: [1] }),
      step('Write the report', { depends_on: [1, 2], uses_tools: false }),
    ]);

    expect(steps).toEqual([
      {
        index: 1,
        title: 'List files',
        instruction: 'Do: List files',
        dependsOn: [],
        usesTools: true,
      },
      {
        index: 2,
        title: 'Read the README',
        instruction: 'Do: Read the README',
        dependsOn: [1],
        usesTools: true,
      },
      {
        index: 3,
        title: 'Write the report',
        instruction: 'Do: Write the report',
        dependsOn: [1, 2],
        usesTools: false,
      },
    ]);
  });

  it('keeps only dependencies on earlier steps, once each', () => {
    const steps = plan([
      step('One', { depends_on: [1, 2] }),
      step('Two', { depends_on: [1, 1, 2, 3, 0, -1, 1.5] }),
      step('Three', { depends_on: [2, 2, 1, 4] }),
    ]);

    expect(steps.map((planned) => planned.dependsOn)).toEqual([[], [1], [2, 1]]);
  });

  it('drops dependencies that are not integers', () => {
    const steps = plan([step('One'), step('Two', { depends_on: ['1', null, 1] })]);

    expect(steps[1].dependsOn).toEqual([1]);
  });

  it('keeps at most maxSteps steps, and their dependencies still point backwards', () => {
    const steps = plan(
      [step('One'), step('Two', { depends_on: [1] }), step('Three'), step('Four')],
      2,
    );

    expect(steps.map((planned) => planned.title)).toEqual(['One', 'Two']);
    expect(steps[1].dependsOn).toEqual([1]);
  });

  it('drops malformed steps and numbers the rest consecutively', () => {
    const steps = plan([
      step('Kept'),
      step('   '),
      { title: 'No instruction' },
      step('Blank instruction', { instruction: '  ' }),
      step('Bad dependencies', { depends_on: 1 }),
      'not a step',
      null,
      step('Also kept'),
    ]);

    expect(steps.map(({ index, title }) => [index, title])).toEqual([
      [1, 'Kept'],
      [2, 'Also kept'],
    ]);
  });

  it("maps depends_on from the planner's numbering to the kept steps when one is dropped", () => {
    const steps = plan([
      step('A'),
      { title: '', instruction: 'malformed' },
      step('C', { depends_on: [1] }),
      step('D', { depends_on: [3] }),
      step('E', { depends_on: [2] }),
    ]);

    expect(steps.map((kept) => [kept.index, kept.title, kept.dependsOn])).toEqual([
      [1, 'A', []],
      [2, 'C', [1]],
      [3, 'D', [2]],
      [4, 'E', []],
    ]);
  });

  it('trims titles', () => {
    expect(plan([step('  Read the README  ')])[0].title).toBe('Read the README');
  });

  it.each([
    ['no tool call', reply()],
    [
      'another tool',
      reply({ id: 'toolu_x', name: 'something_else', input: { steps: [step('A')] } }),
    ],
    ['an empty plan', planReply([])],
    ['steps that are not an array', planReply('list, read, write')],
    ['no step usable', planReply([step(''), { instruction: 'untitled' }])],
  ])('answers %s with one step that does the whole request', (_case, planner) => {
    expect(readPlan(planner, REQUEST, 5, true)).toEqual([WHOLE_REQUEST]);
  });

  it('honours uses_tools: false and defaults to using tools', () => {
    const steps = plan([
      step('Think', { uses_tools: false }),
      step('Look'),
      step('Read', { uses_tools: true }),
    ]);

    expect(steps.map((planned) => planned.usesTools)).toEqual([false, true, true]);
  });

  it('uses no tools in any step when none are available', () => {
    const steps = plan(
      [step('Think', { uses_tools: false }), step('Look', { uses_tools: true })],
      5,
      false,
    );

    expect(steps.map((planned) => planned.usesTools)).toEqual([false, false]);
    expect(readPlan(reply(), REQUEST, 5, false)).toEqual([{ ...WHOLE_REQUEST, usesTools: false }]);
  });
});

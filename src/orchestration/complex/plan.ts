import { forcedToolInput, ModelReply, ModelTool } from '../../llm/model.types.js';

export interface PlannedStep {
  /** 1-based. */
  index: number;
  title: string;
  instruction: string;
  /** Indices of earlier steps whose results this step needs. */
  dependsOn: number[];
  usesTools: boolean;
}

export const PLAN_TOOL_NAME = 'submit_plan';

export function planTool(maxSteps: number): ModelTool {
  return {
    name: PLAN_TOOL_NAME,
    description: `Submit the plan: at most ${maxSteps} steps, in the order they should start.`,
    inputSchema: {
      type: 'object',
      properties: {
        steps: {
          type: 'array',
          maxItems: maxSteps,
          items: {
            type: 'object',
            properties: {
              title: { type: 'string', description: 'A few words, shown to the user.' },
              instruction: {
                type: 'string',
                description: 'What to do in this step, self-contained.',
              },
              depends_on: {
                type: 'array',
                items: { type: 'integer', minimum: 1 },
                description: '1-based numbers of earlier steps whose results this step needs.',
              },
              uses_tools: {
                type: 'boolean',
                description: 'True when the step reads, lists, searches or writes files.',
              },
            },
            required: ['title', 'instruction'],
          },
        },
      },
      required: ['steps'],
    },
  };
}

export const PLANNER_SYSTEM_PROMPT =
  'You plan multi-step work for an assistant that can use file-system tools. Break the request into ' +
  'a few concrete steps: gather first (list, read, search), then produce the result. Steps that do not ' +
  'depend on each other run in parallel; the final answer is written after all steps from their ' +
  'results, so do not add a step that only writes the final answer. Call submit_plan once.';

/**
 * The planner's steps, made safe to run: at most `maxSteps`, dependencies only on earlier steps (so the
 * plan is always acyclic). An empty or unusable plan becomes one step that does the whole request.
 */
export function readPlan(
  reply: ModelReply,
  request: string,
  maxSteps: number,
  toolsAvailable: boolean,
): PlannedStep[] {
  const raw = forcedToolInput(reply, PLAN_TOOL_NAME)?.steps;
  const proposed = Array.isArray(raw) ? (raw as unknown[]) : [];
  // depends_on counts in the planner's own list: map its numbers to the steps that are kept.
  const kept = new Map<number, number>();
  const steps: PlannedStep[] = [];
  for (const [position, step] of proposed.entries()) {
    if (!isStepShape(step) || steps.length === maxSteps) continue;
    const index = steps.length + 1;
    kept.set(position + 1, index);
    steps.push({
      index,
      title: step.title.trim().slice(0, 200),
      instruction: step.instruction,
      dependsOn: [...new Set(step.depends_on ?? [])]
        .map((dependency) => kept.get(dependency))
        .filter(
          (dependency): dependency is number => dependency !== undefined && dependency < index,
        ),
      usesTools: toolsAvailable && step.uses_tools !== false,
    });
  }
  if (steps.length > 0) return steps;
  return [
    {
      index: 1,
      title: 'Do the request',
      instruction: request,
      dependsOn: [],
      usesTools: toolsAvailable,
    },
  ];
}

type StepShape = {
  title: string;
  instruction: string;
  depends_on?: number[];
  uses_tools?: boolean;
};

function isStepShape(value: unknown): value is StepShape {
  const step = value as StepShape;
  return (
    typeof step?.title === 'string' &&
    step.title.trim() !== '' &&
    typeof step.instruction === 'string' &&
    step.instruction.trim() !== '' &&
    (step.depends_on === undefined || Array.isArray(step.depends_on))
  );
}

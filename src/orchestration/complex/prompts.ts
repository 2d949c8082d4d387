import { Usage } from '../../llm/model.types.js';
import { ToolCallRecord } from '../../turns/turn.types.js';
import { BudgetName } from './orchestration-budget.js';
import { PlannedStep } from './plan.js';

export interface StepOutcome {
  step: PlannedStep;
  status: 'done' | 'failed' | 'skipped';
  /** The step's output, or why it did not run. */
  text: string;
  toolCalls: ToolCallRecord[];
  usage: Usage;
}

/** A dependency's output passed on to the next step, and a step's result given to the synthesis. */
const RESULT_CHARS = 12_000;

export const STEP_SYSTEM_PROMPT =
  'You carry out one step of a larger task. Do exactly what the step asks, using tools when the step ' +
  'needs files, and report the concrete results (names, facts, findings) concisely; another step ' +
  'will write the final answer.';

export const SYNTHESIS_SYSTEM_PROMPT =
  'You write the final answer to the user from the results of the steps that were carried out. Use ' +
  'only what the results support; if a step failed or was skipped, say what is missing. Use Markdown ' +
  'headings and lists where they help.';

export function stepPrompt(
  request: string,
  step: PlannedStep,
  dependencies: StepOutcome[],
): string {
  const context = dependencies.map(
    (dependency) =>
      `Result of step ${dependency.step.index} (${dependency.step.title}):\n${clip(dependency.text)}`,
  );
  return [
    `Overall request: ${request}`,
    `Your step (${step.index}: ${step.title}): ${step.instruction}`,
    ...context,
  ].join('\n\n');
}

export function synthesisPrompt(
  request: string,
  outcomes: StepOutcome[],
  exhausted: BudgetName | undefined,
): string {
  const results = outcomes.map(
    ({ step, status, text }) => `### Step ${step.index}: ${step.title} (${status})\n${clip(text)}`,
  );
  const cut = exhausted
    ? [
        `Note: the work stopped early because the ${exhausted.replace('_', ' ')} budget ran out; say so briefly.`,
      ]
    : [];
  return [
    request,
    '---',
    'Results of the steps carried out for this request:',
    ...results,
    ...cut,
  ].join('\n\n');
}

function clip(text: string): string {
  return text.length > RESULT_CHARS ? `${text.slice(0, RESULT_CHARS)}\n[…truncated]` : text;
}

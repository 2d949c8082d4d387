import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { LLMService } from '../../llm/llm.service.js';
import { addUsage, NO_USAGE, Usage } from '../../llm/model.types.js';
import { answerOf, deltasOf, historyToSend, withSettings } from '../../turns/route-answer.js';
import {
  AnswerEvents,
  RouteAnswer,
  RouteExecutor,
  StepRecord,
  TurnInput,
} from '../../turns/turn.types.js';
import { McpAgentService } from '../../mcp/mcp-agent.service.js';
import { OrchestrationBudget } from './orchestration-budget.js';
import { PLAN_TOOL_NAME, PLANNER_SYSTEM_PROMPT, PlannedStep, planTool, readPlan } from './plan.js';
import {
  StepOutcome,
  stepPrompt,
  synthesisPrompt,
  SYNTHESIS_SYSTEM_PROMPT,
  STEP_SYSTEM_PROMPT,
} from './prompts.js';

/** Tokens (input + output, all calls) one complex turn may spend before it stops and synthesises. */
const TOKEN_BUDGET_PER_STEP = 40_000;
const PREVIEW_CHARS = 500;

/**
 * `complex`: plan with the model (a forced tool), run the steps — through the agent when they need
 * tools, concurrently once their dependencies are done — then synthesise the answer. When a budget
 * (steps, tool calls, time, tokens) runs out, it synthesises from what is done and says so.
 */
@Injectable()
export class ComplexOrchestrator implements RouteExecutor {
  readonly route = 'complex' as const;

  constructor(
    private readonly llm: LLMService,
    private readonly agent: McpAgentService,
    private readonly config: AppConfig,
  ) {}

  /** The model that writes the synthesis, which is the answer. */
  get model(): string {
    return this.llm.defaultModel;
  }

  async answer(input: TurnInput): Promise<RouteAnswer> {
    const { maxSteps, maxToolCalls, timeoutMs } = this.config.orchestration;
    const budget = new OrchestrationBudget(
      { maxToolCalls, timeoutMs, maxTokens: TOKEN_BUDGET_PER_STEP * (maxSteps + 2) },
      input.signal,
    );
    const { steps, usage: planUsage, truncated } = await this.plan(input, budget);
    const outcomes = await this.runSteps(steps, input, budget);
    if (truncated) budget.markExhausted('steps');
    const synthesis = await this.synthesise(input, outcomes, budget);
    const usage = outcomes.reduce((total, outcome) => addUsage(total, outcome.usage), planUsage);
    return {
      route: this.route,
      text: synthesis.text,
      model: synthesis.model,
      usage: addUsage(usage, synthesis.usage),
      stopReason: budget.exhausted ? 'budget' : synthesis.stopReason,
      toolCalls: outcomes.flatMap((outcome) => outcome.toolCalls),
      steps: outcomes.map(toStepRecord),
    };
  }

  private async plan(
    input: TurnInput,
    budget: OrchestrationBudget,
  ): Promise<{ steps: PlannedStep[]; usage: Usage; truncated: boolean }> {
    const { maxSteps } = this.config.orchestration;
    const reply = await this.llm
      .create({
        model: this.model,
        system: PLANNER_SYSTEM_PROMPT,
        messages: this.llm.toMessages(historyToSend(input), input.message),
        maxTokens: this.config.llm.maxTokens,
        tools: [planTool(maxSteps)],
        toolChoice: { type: 'tool', name: PLAN_TOOL_NAME },
        signal: budget.signal,
      })
      .catch((error: unknown) => {
        if (budget.exhausted) return undefined;
        throw error;
      });
    if (!reply) return { steps: [], usage: NO_USAGE, truncated: false };
    const { usage } = reply;
    budget.spendTokens(usage);
    const proposed = readPlan(reply, input.message, maxSteps + 1, this.agent.available());
    return { steps: proposed.slice(0, maxSteps), usage, truncated: proposed.length > maxSteps };
  }

  /** Each step starts when the steps it depends on are done; independent steps run together. */
  private runSteps(
    steps: PlannedStep[],
    input: TurnInput,
    budget: OrchestrationBudget,
  ): Promise<StepOutcome[]> {
    const running = new Map<number, Promise<StepOutcome>>();
    for (const step of steps) {
      running.set(
        step.index,
        Promise.all(step.dependsOn.map((index) => running.get(index) as Promise<StepOutcome>)).then(
          (dependencies) => this.runStep(step, dependencies, input, budget),
        ),
      );
    }
    return Promise.all(running.values());
  }

  /** Runs one step, reporting it as it starts and ends. */
  private async runStep(
    step: PlannedStep,
    dependencies: StepOutcome[],
    input: TurnInput,
    budget: OrchestrationBudget,
  ): Promise<StepOutcome> {
    const outcome = await this.attemptStep(step, dependencies, input, budget);
    await input.events.progress({
      type: 'step',
      step: { index: step.index, title: step.title, status: outcome.status },
    });
    return outcome;
  }

  private async attemptStep(
    step: PlannedStep,
    dependencies: StepOutcome[],
    input: TurnInput,
    budget: OrchestrationBudget,
  ): Promise<StepOutcome> {
    const blocked = dependencies.find((dependency) => dependency.status !== 'done');
    if (step.usesTools && budget.remaining === 0) budget.markExhausted('tool_calls');
    if (blocked) return skipped(step, `step ${blocked.step.index} did not finish`);
    const usedUp = budgetUsedUp(budget);
    if (usedUp) return skipped(step, usedUp);
    try {
      await input.events.progress({
        type: 'step',
        step: { index: step.index, title: step.title, status: 'running' },
      });
      const answer = await this.execute(
        step,
        stepPrompt(input.message, step, dependencies),
        input,
        budget,
      );
      budget.spendTokens(answer.usage);
      const cut = budget.signal.aborted;
      return {
        step,
        status: cut ? 'failed' : 'done',
        text: cut
          ? `cut short by the ${budget.exhausted ?? 'time'} budget: ${answer.text}`
          : answer.text,
        toolCalls: answer.toolCalls ?? [],
        usage: answer.usage,
      };
    } catch (error) {
      const usedUp = budgetUsedUp(budget);
      if (usedUp) return skipped(step, usedUp);
      return { ...skipped(step, errorText(error)), status: 'failed' };
    }
  }

  private async execute(
    step: PlannedStep,
    prompt: string,
    input: TurnInput,
    budget: OrchestrationBudget,
  ): Promise<RouteAnswer> {
    if (step.usesTools) {
      const step = {
        message: prompt,
        history: [],
        needsHistory: false,
        events: toolEventsOf(input.events),
        signal: budget.signal,
      };
      return this.agent.runAgent(
        { ...input, ...step },
        { toolBudget: budget, system: STEP_SYSTEM_PROMPT },
      );
    }
    const reply = await this.llm.create({
      model: this.model,
      system: STEP_SYSTEM_PROMPT,
      messages: [{ role: 'user', content: prompt }],
      maxTokens: this.config.llm.maxTokens,
      signal: budget.signal,
    });
    return answerOf(this.route, reply);
  }

  /** Written even when a budget ran out (with its own deadline), so the user always gets an answer. */
  private async synthesise(
    input: TurnInput,
    outcomes: StepOutcome[],
    budget: OrchestrationBudget,
  ): Promise<RouteAnswer> {
    const reply = await this.llm.create(
      withSettings(
        {
          model: this.model,
          system: SYNTHESIS_SYSTEM_PROMPT,
          messages: this.llm.toMessages(
            historyToSend(input),
            synthesisPrompt(input.message, outcomes, budget.exhausted),
          ),
          maxTokens: this.config.llm.maxTokens,
          signal: input.signal,
          onText: deltasOf(input.events),
        },
        input.settings,
      ),
    );
    return answerOf(this.route, reply);
  }
}

/** A step's tool calls are shown as they happen; its text is not the answer, so no deltas. */
function toolEventsOf(events: AnswerEvents): AnswerEvents {
  return {
    live: false,
    start: async () => undefined,
    progress: (event) => (event.type === 'delta' ? Promise.resolve() : events.progress(event)),
  };
}

/** Why steps stop, once a budget has run out (read afresh: it can run out while a step runs). */
function budgetUsedUp(budget: OrchestrationBudget): string | undefined {
  return budget.exhausted && `${budget.exhausted} budget used up`;
}

function skipped(step: PlannedStep, why: string): StepOutcome {
  return {
    step,
    status: 'skipped',
    text: why,
    toolCalls: [],
    usage: NO_USAGE,
  };
}

function toStepRecord({ step, status, text }: StepOutcome): StepRecord {
  return { index: step.index, title: step.title, status, outputPreview: preview(text) };
}

function preview(text: string): string {
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : 'the step failed';
}

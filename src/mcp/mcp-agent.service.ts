import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { LLMService } from '../llm/llm.service.js';
import { ModelReply, ModelTool, ModelToolChoice, ToolUse } from '../llm/model.types.js';
import { historyToSend, stopReasonOf, withSettings } from '../turns/route-answer.js';
import {
  AnswerEvents,
  AnswerSettings,
  RouteAnswer,
  RouteExecutor,
  TurnInput,
} from '../turns/turn.types.js';
import { AgentTranscript, ROUND_SEPARATOR, toolCallRecord, ToolRun } from './agent-transcript.js';
import { CallSlots } from './call-slots.js';
import { McpRegistry } from './mcp-registry.service.js';
import { TOOL_CALLS_PER_TURN } from './tool-limits.js';

const SYSTEM_PROMPT =
  'You are a capable, careful assistant with tools from connected MCP servers (such as a file ' +
  'system). Use them when the answer depends on what only they can show, and call independent ' +
  'tools together in one turn. When a tool fails, read the error and try another way, or say what ' +
  'went wrong. Base your answer on what the tools returned; use Markdown where it helps.';

const FINAL_ANSWER_PROMPT =
  'The tool budget for this answer is used up. Do not call any more tools: answer now from what ' +
  'you have gathered, and say briefly what you could not find out.';

/** Tool calls that may be shared by several concurrent runs (the steps of one complex turn). */
export interface ToolCallBudget {
  readonly remaining: number;
  /** Reserves up to `wanted` calls and returns how many were granted. */
  take(wanted: number): number;
}

export interface AgentOptions {
  /** Tool calls in all; default unlimited (AGENT_MAX_STEPS bounds them). */
  toolBudget?: ToolCallBudget;
  /** Replaces the default system prompt. */
  system?: string;
}

interface AgentRun {
  transcript: AgentTranscript;
  tools: ModelTool[];
  system: string;
  settings?: AnswerSettings;
  events: AnswerEvents;
  signal?: AbortSignal;
}

/**
 * `needs_tools`: the tool-use loop over the MCP servers' tools. The model asks for tools, they run
 * (up to TOOL_CALLS_PER_TURN at once), their results go back, until it answers or the budget is
 * spent.
 */
@Injectable()
export class McpAgentService implements RouteExecutor {
  readonly route = 'needs_tools' as const;

  constructor(
    private readonly llm: LLMService,
    private readonly registry: McpRegistry,
    private readonly config: AppConfig,
  ) {}

  get model(): string {
    return this.llm.defaultModel;
  }

  answer(input: TurnInput): Promise<RouteAnswer> {
    return this.runAgent(input);
  }

  /** Without a connected tool the agent still answers, but it is no better than the direct route. */
  available(): boolean {
    return this.registry.modelTools().length > 0;
  }

  /** The loop, with a tool budget shared with other runs and a system prompt of the caller's. */
  async runAgent(input: TurnInput, options: AgentOptions = {}): Promise<RouteAnswer> {
    const budget = options.toolBudget ?? UNLIMITED;
    const run: AgentRun = {
      transcript: new AgentTranscript(this.llm.toMessages(historyToSend(input), input.message)),
      tools: budget.remaining > 0 ? this.registry.modelTools() : [],
      system: options.system ?? SYSTEM_PROMPT,
      settings: input.settings,
      events: input.events,
      signal: input.signal,
    };
    try {
      return await this.loop(run, budget);
    } catch (error) {
      // Cancelled by the caller (an orchestration's deadline): what ran so far still counts.
      if (run.signal?.aborted) return run.transcript.answer('budget');
      throw error;
    }
  }

  private async loop(run: AgentRun, budget: ToolCallBudget): Promise<RouteAnswer> {
    for (let step = 0; step < this.config.agent.maxSteps; step++) {
      const reply = await this.callModel(run);
      if (reply.stopReason !== 'tool_use' || reply.toolUses.length === 0) {
        return run.transcript.answer(stopReasonOf(reply));
      }
      await this.runTools(run, reply.toolUses, budget.take(reply.toolUses.length));
      if (budget.remaining === 0) break;
    }
    return this.finalAnswer(run);
  }

  private async callModel(run: AgentRun, toolChoice?: ModelToolChoice): Promise<ModelReply> {
    const reply = await this.llm.create(
      withSettings(
        {
          model: this.model,
          system: run.system,
          messages: run.transcript.messages,
          maxTokens: this.config.llm.maxTokens,
          tools: run.tools.length > 0 ? run.tools : undefined,
          toolChoice: run.tools.length > 0 ? toolChoice : undefined,
          signal: run.signal,
          onText: this.deltas(run),
        },
        run.settings,
      ),
    );
    run.transcript.addReply(reply);
    return reply;
  }

  /** This round's text as deltas, separated from earlier rounds' text as the answer joins them. */
  private deltas(run: AgentRun): ((text: string) => Promise<void>) | undefined {
    if (!run.events.live) return undefined;
    let separated = !run.transcript.hasText;
    return async (text) => {
      if (!text) return;
      if (!separated) await run.events.progress({ type: 'delta', text: ROUND_SEPARATOR });
      separated = true;
      await run.events.progress({ type: 'delta', text });
    };
  }

  /** Every call the budget allows, TOOL_CALLS_PER_TURN at a time (the others wait their turn). */
  private async runTools(run: AgentRun, uses: ToolUse[], allowance: number): Promise<void> {
    const allowed = uses.slice(0, allowance);
    const slots = new CallSlots(TOOL_CALLS_PER_TURN);
    const runs = await Promise.all(allowed.map((use) => slots.run(() => this.runTool(run, use))));
    run.transcript.addToolResults(runs, uses.slice(allowed.length));
  }

  private async runTool(run: AgentRun, use: ToolUse): Promise<ToolRun> {
    const call = { id: use.id, ...this.registry.identify(use.name), input: use.input };
    await run.events.progress({ type: 'tool_call', call });
    const toolRun = { use, outcome: await this.registry.callTool(use.name, use.input, run.signal) };
    const { id, isError, outputPreview, durationMs } = toolCallRecord(toolRun);
    await run.events.progress({
      type: 'tool_result',
      result: { id, isError, outputPreview, durationMs },
    });
    return toolRun;
  }

  /**
   * The budget is spent: one more call writes the answer. The tools stay declared (the transcript
   * holds tool_use blocks, which the API only accepts alongside them) but the model may not use them.
   */
  private async finalAnswer(run: AgentRun): Promise<RouteAnswer> {
    run.transcript.addInstruction(FINAL_ANSWER_PROMPT);
    await this.callModel(run, { type: 'none' });
    return run.transcript.answer('budget');
  }
}

const UNLIMITED: ToolCallBudget = { remaining: Number.POSITIVE_INFINITY, take: (wanted) => wanted };

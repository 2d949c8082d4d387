import type Anthropic from '@anthropic-ai/sdk';
import { Injectable } from '@nestjs/common';
import { ChatTurnService } from '../chat/chat-turn.service.js';
import { ChatRequest } from '../chat/dto/chat-request.dto.js';
import { ChatResponse } from '../chat/dto/chat-response.dto.js';
import { stopReasonOf } from '../chat/model-answer.js';
import { RouteAnswer, RouteExecutor, TurnInput } from '../chat/route-executor.js';
import { AppConfig } from '../config/app-config.js';
import { LLMService } from '../llm/llm.service.js';
import { AgentTranscript, ToolRun } from './agent-transcript.js';
import { McpRegistry } from './mcp-registry.service.js';

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
  /** Model calls that may use tools; default AGENT_MAX_STEPS. One more call then writes the answer. */
  maxSteps?: number;
  /** Tool calls in all; default unlimited (the steps bound them). */
  toolBudget?: ToolCallBudget;
  /** Cancels the run, together with `TurnInput.signal`. */
  signal?: AbortSignal;
  /** Replaces the default system prompt. */
  system?: string;
}

interface AgentRun {
  transcript: AgentTranscript;
  tools: Anthropic.Tool[];
  system: string;
  signal?: AbortSignal;
}

/**
 * `needs_tools`: the tool-use loop over the MCP servers' tools. The model asks for tools, they run
 * (concurrently within one turn), their results go back, until it answers or the budget is spent.
 */
@Injectable()
export class McpAgentService implements RouteExecutor {
  readonly route = 'needs_tools' as const;

  constructor(
    private readonly llm: LLMService,
    private readonly turns: ChatTurnService,
    private readonly registry: McpRegistry,
    private readonly config: AppConfig,
  ) {}

  reply(principal: string, request: ChatRequest): Promise<ChatResponse> {
    return this.turns.reply(principal, request, this);
  }

  answer(input: TurnInput): Promise<RouteAnswer> {
    return this.runAgent(input);
  }

  /** Without a connected tool the agent still answers, but it is no better than the direct route. */
  available(): boolean {
    return this.registry.modelTools().length > 0;
  }

  async runAgent(input: TurnInput, options: AgentOptions = {}): Promise<RouteAnswer> {
    const maxSteps = options.maxSteps ?? this.config.agent.maxSteps;
    const budget = options.toolBudget ?? UNLIMITED;
    const history = input.needsHistory === false ? [] : input.history;
    const run: AgentRun = {
      transcript: new AgentTranscript(this.llm.toMessages(history, input.message)),
      tools: budget.remaining > 0 ? this.registry.modelTools() : [],
      system: options.system ?? SYSTEM_PROMPT,
      signal: eitherSignal(input.signal, options.signal),
    };
    try {
      return await this.loop(run, maxSteps, budget);
    } catch (error) {
      // Cancelled by the caller (an orchestration's deadline): what ran so far still counts.
      if (run.signal?.aborted) return run.transcript.answer('budget');
      throw error;
    }
  }

  private async loop(
    run: AgentRun,
    maxSteps: number,
    budget: ToolCallBudget,
  ): Promise<RouteAnswer> {
    for (let step = 0; step < maxSteps; step++) {
      const reply = await this.callModel(run);
      const uses = reply.content.filter(
        (block): block is Anthropic.ToolUseBlock => block.type === 'tool_use',
      );
      if (reply.stop_reason !== 'tool_use' || uses.length === 0) {
        return run.transcript.answer(stopReasonOf(reply));
      }
      await this.runTools(run, uses, budget.take(uses.length));
      if (budget.remaining === 0) break;
    }
    return this.finalAnswer(run);
  }

  private async callModel(
    run: AgentRun,
    toolChoice?: Anthropic.ToolChoice,
  ): Promise<Anthropic.Message> {
    const reply = await this.llm.create({
      model: this.llm.defaultModel,
      system: run.system,
      messages: run.transcript.messages,
      maxTokens: this.config.llm.maxTokens,
      tools: run.tools.length > 0 ? run.tools : undefined,
      toolChoice: run.tools.length > 0 ? toolChoice : undefined,
      signal: run.signal,
    });
    run.transcript.addReply(reply);
    return reply;
  }

  private async runTools(
    run: AgentRun,
    uses: Anthropic.ToolUseBlock[],
    allowance: number,
  ): Promise<void> {
    const allowed = uses.slice(0, allowance);
    const runs: ToolRun[] = await Promise.all(
      allowed.map(async (use) => ({
        use,
        outcome: await this.registry.callTool(use.name, use.input, run.signal),
      })),
    );
    run.transcript.addToolResults(runs, uses.slice(allowed.length));
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

/** A budget of `calls` tool calls for one run. */
export function toolCallBudget(calls: number): ToolCallBudget {
  let remaining = calls;
  return {
    get remaining() {
      return remaining;
    },
    take(wanted) {
      const granted = Math.min(wanted, remaining);
      remaining -= granted;
      return granted;
    },
  };
}

function eitherSignal(...candidates: Array<AbortSignal | undefined>): AbortSignal | undefined {
  const signals = candidates.filter((signal): signal is AbortSignal => signal !== undefined);
  return signals.length > 1 ? AbortSignal.any(signals) : signals[0];
}

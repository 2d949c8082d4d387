import type Anthropic from '@anthropic-ai/sdk';
import { ToolCallDto } from '../chat/dto/chat-response.dto.js';
import { addUsage, NO_USAGE, textOf, usageOf } from '../chat/model-answer.js';
import { RouteAnswer, StopReason } from '../chat/route-executor.js';
import { Usage } from '../llm/llm.service.js';
import { ToolOutcome } from './mcp-registry.service.js';
import { MODEL_RESULT_CHARS, PREVIEW_CHARS, truncate } from './tool-output.js';

const BUDGET_REFUSAL = 'Not run: the tool-call budget of this answer is used up.';

export interface ToolRun {
  use: Anthropic.ToolUseBlock;
  outcome: ToolOutcome;
}

/** One agent run so far: the model input, what the model wrote, the tool calls, the usage. */
export class AgentTranscript {
  readonly toolCalls: ToolCallDto[] = [];
  private readonly texts: string[] = [];
  private usage: Usage = NO_USAGE;
  private model = '';

  constructor(readonly messages: Anthropic.MessageParam[]) {}

  addReply(reply: Anthropic.Message): void {
    const text = textOf(reply);
    if (text) this.texts.push(text);
    this.usage = addUsage(this.usage, usageOf(reply));
    this.model = reply.model;
    this.messages.push({ role: 'assistant', content: reply.content });
  }

  /** Answers every tool_use of the last reply: the calls that ran, then the ones refused. */
  addToolResults(runs: ToolRun[], refused: Anthropic.ToolUseBlock[]): void {
    this.toolCalls.push(...runs.map(toToolCall));
    this.messages.push({
      role: 'user',
      content: [
        ...runs.map(({ use, outcome }) => toolResult(use, outcome.text, outcome.isError)),
        ...refused.map((use) => toolResult(use, BUDGET_REFUSAL, true)),
      ],
    });
  }

  /** Joins the last user turn (tool results), as two user messages in a row are not allowed. */
  addInstruction(text: string): void {
    const last = this.messages.at(-1);
    if (last?.role === 'user' && Array.isArray(last.content)) {
      last.content.push({ type: 'text', text });
    } else {
      this.messages.push({ role: 'user', content: text });
    }
  }

  answer(stopReason: StopReason): RouteAnswer {
    return {
      text: this.texts.join('\n\n'),
      model: this.model,
      usage: this.usage,
      stopReason,
      toolCalls: this.toolCalls,
    };
  }
}

function toToolCall({ use, outcome }: ToolRun): ToolCallDto {
  return {
    id: use.id,
    server: outcome.server,
    name: outcome.name,
    input: use.input,
    is_error: outcome.isError,
    output_preview: truncate(outcome.text, PREVIEW_CHARS),
    duration_ms: outcome.durationMs,
  };
}

function toolResult(
  use: Anthropic.ToolUseBlock,
  text: string,
  isError: boolean,
): Anthropic.ToolResultBlockParam {
  return {
    type: 'tool_result',
    tool_use_id: use.id,
    // The Messages API refuses an empty error result, and an empty result tells the model nothing.
    content:
      truncate(text, MODEL_RESULT_CHARS) ||
      (isError ? '(the tool failed without a message)' : '(no output)'),
    ...(isError && { is_error: true }),
  };
}

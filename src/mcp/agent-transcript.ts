import {
  addUsage,
  ContentPart,
  ModelMessage,
  ModelReply,
  NO_USAGE,
  ToolUse,
  Usage,
} from '../llm/model.types.js';
import { RouteAnswer, StopReason, ToolCallRecord } from '../turns/turn.types.js';
import { ToolOutcome } from './mcp-registry.service.js';
import { PREVIEW_CHARS, truncate } from './tool-output.js';

/** Between the texts of two model rounds in the answer. */
export const ROUND_SEPARATOR = '\n\n';

const BUDGET_REFUSAL = 'Not run: the tool-call budget of this answer is used up.';

export interface ToolRun {
  use: ToolUse;
  outcome: ToolOutcome;
}

/** One agent run so far: the model input, what the model wrote, the tool calls, the usage. */
export class AgentTranscript {
  readonly toolCalls: ToolCallRecord[] = [];
  private readonly texts: string[] = [];
  private usage: Usage = NO_USAGE;
  private model = '';

  constructor(readonly messages: ModelMessage[]) {}

  /** Whether the model has written any text yet (streamed rounds are separated like `answer`'s). */
  get hasText(): boolean {
    return this.texts.length > 0;
  }

  addReply(reply: ModelReply): void {
    if (reply.text) this.texts.push(reply.text);
    this.usage = addUsage(this.usage, reply.usage);
    this.model = reply.model;
    this.messages.push({ role: 'assistant', content: reply.content });
  }

  /** Answers every tool_use of the last reply: the calls that ran, then the ones refused. */
  addToolResults(runs: ToolRun[], refused: ToolUse[]): void {
    this.toolCalls.push(...runs.map(toolCallRecord));
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
      route: 'needs_tools',
      text: this.texts.join(ROUND_SEPARATOR),
      model: this.model,
      usage: this.usage,
      stopReason,
      toolCalls: this.toolCalls,
    };
  }
}

export function toolCallRecord({ use, outcome }: ToolRun): ToolCallRecord {
  return {
    id: use.id,
    server: outcome.server,
    name: outcome.name,
    input: use.input,
    isError: outcome.isError,
    outputPreview: truncate(outcome.text, PREVIEW_CHARS),
    durationMs: outcome.durationMs,
  };
}

function toolResult(use: ToolUse, text: string, isError: boolean): ContentPart {
  return {
    type: 'tool_result',
    toolUseId: use.id,
    // Already cut to MODEL_RESULT_CHARS by the registry. The Messages API refuses an empty error
    // result, and an empty result tells the model nothing.
    text: text || (isError ? '(the tool failed without a message)' : '(no output)'),
    isError,
  };
}

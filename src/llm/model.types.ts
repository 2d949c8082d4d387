/**
 * The model's input and output in our own terms, so no code outside src/llm depends on the provider
 * SDK. LLMService translates these to and from the Messages API.
 */

export interface Usage {
  input_tokens: number;
  output_tokens: number;
}

export interface ToolUse {
  id: string;
  name: string;
  input: unknown;
}

export type ContentPart =
  | { type: 'text'; text: string }
  | ({ type: 'tool_use' } & ToolUse)
  | { type: 'tool_result'; toolUseId: string; text: string; isError: boolean };

export interface ModelMessage {
  role: 'user' | 'assistant';
  content: string | ContentPart[];
}

export interface ModelTool {
  name: string;
  description?: string;
  /** A JSON Schema of type object. */
  inputSchema: { type: 'object'; [keyword: string]: unknown };
}

/** `tool` forces that tool; `none` declares the tools but forbids using them. */
export type ModelToolChoice = { type: 'auto' } | { type: 'none' } | { type: 'tool'; name: string };

export type ModelStopReason = 'end_turn' | 'max_tokens' | 'tool_use' | 'other';

export interface ModelReply {
  model: string;
  /** All text parts, in order. */
  text: string;
  toolUses: ToolUse[];
  /** Text and tool_use parts in order, as sent back in the next request of a tool loop. */
  content: ContentPart[];
  usage: Usage;
  stopReason: ModelStopReason;
}

export const NO_USAGE: Readonly<Usage> = { input_tokens: 0, output_tokens: 0 };

export function addUsage(total: Usage, more: Usage): Usage {
  return {
    input_tokens: total.input_tokens + more.input_tokens,
    output_tokens: total.output_tokens + more.output_tokens,
  };
}

/** The input of a forced tool call (`toolChoice: {type: 'tool'}`), or undefined when absent. */
export function forcedToolInput(
  reply: ModelReply,
  toolName: string,
): Record<string, unknown> | undefined {
  const input = reply.toolUses.find((use) => use.name === toolName)?.input;
  return typeof input === 'object' && input !== null
    ? (input as Record<string, unknown>)
    : undefined;
}

import type Anthropic from '@anthropic-ai/sdk';
import {
  ContentPart,
  ModelMessage,
  ModelReply,
  ModelStopReason,
  ModelTool,
} from './model.types.js';

/** Our model types to and from the Messages API's, in one place. */

export function toMessageParams(messages: ModelMessage[]): Anthropic.MessageParam[] {
  return messages.map((message) => ({
    role: message.role,
    content:
      typeof message.content === 'string' ? message.content : message.content.map(toBlockParam),
  }));
}

function toBlockParam(part: ContentPart): Anthropic.ContentBlockParam {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'tool_use':
      return { type: 'tool_use', id: part.id, name: part.name, input: part.input };
    case 'tool_result':
      return {
        type: 'tool_result',
        tool_use_id: part.toolUseId,
        content: part.text,
        ...(part.isError && { is_error: true }),
      };
  }
}

export function toToolParams(tools: ModelTool[] | undefined): Anthropic.Tool[] | undefined {
  return tools?.map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: tool.inputSchema,
  }));
}

export function fromMessage(message: Anthropic.Message): ModelReply {
  const content = message.content.flatMap((block): ContentPart[] => {
    if (block.type === 'text') return [{ type: 'text', text: block.text }];
    if (block.type === 'tool_use') {
      return [{ type: 'tool_use', id: block.id, name: block.name, input: block.input }];
    }
    return [];
  });
  return {
    model: message.model,
    text: content.map((part) => (part.type === 'text' ? part.text : '')).join(''),
    toolUses: content.flatMap((part) =>
      part.type === 'tool_use' ? [{ id: part.id, name: part.name, input: part.input }] : [],
    ),
    content,
    usage: { input_tokens: message.usage.input_tokens, output_tokens: message.usage.output_tokens },
    stopReason: stopReasonOf(message.stop_reason),
  };
}

function stopReasonOf(reason: Anthropic.StopReason | null): ModelStopReason {
  return reason === 'end_turn' || reason === 'max_tokens' || reason === 'tool_use'
    ? reason
    : 'other';
}

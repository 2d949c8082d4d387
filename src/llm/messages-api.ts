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
  return replyOf(message.model, content, message.usage, message.stop_reason);
}

type StreamedBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; json: string }
  | undefined;

/**
 * A streamed response folded into a reply as its events are pulled: text deltas appended, a tool call's
 * `input_json_delta` fragments joined and parsed when the stream is complete.
 */
export class StreamedReply {
  private model = '';
  private readonly blocks: StreamedBlock[] = [];
  private usage = { input_tokens: 0, output_tokens: 0 };
  private stopReason: Anthropic.StopReason | null = null;
  private complete = false;

  add(event: Anthropic.RawMessageStreamEvent): void {
    switch (event.type) {
      case 'message_start':
        this.model = event.message.model;
        this.usage = { ...this.usage, input_tokens: event.message.usage.input_tokens };
        break;
      case 'content_block_start':
        this.blocks[event.index] = blockOf(event.content_block);
        break;
      case 'content_block_delta': {
        const block = this.blocks[event.index];
        if (event.delta.type === 'text_delta' && block?.type === 'text') {
          block.text += event.delta.text;
        } else if (event.delta.type === 'input_json_delta' && block?.type === 'tool_use') {
          block.json += event.delta.partial_json;
        }
        break;
      }
      case 'message_delta':
        this.stopReason = event.delta.stop_reason;
        this.usage = { ...this.usage, output_tokens: event.usage.output_tokens };
        break;
      case 'message_stop':
        this.complete = true;
        break;
      default:
        break;
    }
  }

  reply(): ModelReply {
    // The connection ended cleanly but early: the same fault as one dropped mid-body.
    if (!this.complete) throw new Error('the stream ended before message_stop: terminated');
    const content = this.blocks.flatMap((block): ContentPart[] => {
      if (block?.type === 'text') return [{ type: 'text', text: block.text }];
      if (block?.type === 'tool_use') {
        const input: unknown = block.json ? JSON.parse(block.json) : {};
        return [{ type: 'tool_use', id: block.id, name: block.name, input }];
      }
      return [];
    });
    return replyOf(this.model, content, this.usage, this.stopReason);
  }
}

function blockOf(block: Anthropic.RawContentBlockStartEvent['content_block']): StreamedBlock {
  if (block.type === 'text') return { type: 'text', text: block.text };
  if (block.type === 'tool_use')
    return { type: 'tool_use', id: block.id, name: block.name, json: '' };
  return undefined;
}

function replyOf(
  model: string,
  content: ContentPart[],
  usage: { input_tokens: number; output_tokens: number },
  stopReason: Anthropic.StopReason | null,
): ModelReply {
  return {
    model,
    text: content.map((part) => (part.type === 'text' ? part.text : '')).join(''),
    toolUses: content.flatMap((part) =>
      part.type === 'tool_use' ? [{ id: part.id, name: part.name, input: part.input }] : [],
    ),
    content,
    usage: { input_tokens: usage.input_tokens, output_tokens: usage.output_tokens },
    stopReason: stopReasonOf(stopReason),
  };
}

function stopReasonOf(reason: Anthropic.StopReason | null): ModelStopReason {
  return reason === 'end_turn' || reason === 'max_tokens' || reason === 'tool_use'
    ? reason
    : 'other';
}

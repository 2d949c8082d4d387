import type Anthropic from '@anthropic-ai/sdk';
import { Usage } from '../llm/llm.service.js';
import { RouteAnswer, StopReason } from './route-executor.js';

export const NO_USAGE: Readonly<Usage> = { input_tokens: 0, output_tokens: 0 };

/** All text blocks of a model message, in order. */
export function textOf(message: Anthropic.Message): string {
  return message.content
    .filter((block): block is Anthropic.TextBlock => block.type === 'text')
    .map((block) => block.text)
    .join('');
}

export function usageOf(message: Anthropic.Message): Usage {
  return { input_tokens: message.usage.input_tokens, output_tokens: message.usage.output_tokens };
}

export function addUsage(total: Usage, more: Usage): Usage {
  return {
    input_tokens: total.input_tokens + more.input_tokens,
    output_tokens: total.output_tokens + more.output_tokens,
  };
}

export function stopReasonOf(message: Anthropic.Message): StopReason {
  return message.stop_reason === 'max_tokens' ? 'max_tokens' : 'end_turn';
}

/** A single model reply as a route's answer. */
export function answerOf(reply: Anthropic.Message): RouteAnswer {
  return {
    text: textOf(reply),
    model: reply.model,
    usage: usageOf(reply),
    stopReason: stopReasonOf(reply),
  };
}

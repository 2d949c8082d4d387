import { StopReason, TurnResult } from '../turns/turn.types.js';
import { SseFrame, TurnFormat } from '../turn-http/turn-format.js';
import { openAiErrorOf } from './openai-errors.js';

export interface CompletionOptions {
  /** The model id the client asked for, echoed as OpenAI does. */
  model: string;
  /** `stream_options.include_usage`: a last chunk with the usage. */
  includeUsage: boolean;
}

/**
 * The OpenAI door's answer for one request: a `chat.completion`, or `chat.completion.chunk` data lines
 * ending in `[DONE]`. Tool activity is not part of this format (it shows in the final text only); the
 * route, the answering model and the cache outcome are in X-Route, X-Model and X-Cached.
 */
export function completionFormat({ model, includeUsage }: CompletionOptions): TurnFormat {
  const created = Math.floor(Date.now() / 1000);
  let id = '';
  const chunk = (rest: object): SseFrame =>
    data({ id, object: 'chat.completion.chunk', created, model, ...rest });
  const choice = (delta: object, finishReason: string | null = null) =>
    chunk({ choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });
  return {
    json: (result) => ({
      id: completionId(result),
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: result.answer.text, refusal: null },
          logprobs: null,
          finish_reason: finishReasonOf(result.answer.stopReason),
        },
      ],
      usage: usageOf(result),
    }),
    headers: (answer) => ({
      'X-Route': answer.route,
      'X-Model': answer.model,
      ...(answer.cached !== undefined && { 'X-Cached': String(answer.cached) }),
    }),
    start: (start) => {
      id = completionId(start);
      return [choice({ role: 'assistant', content: '' })];
    },
    progress: (event) => (event.type === 'delta' ? [choice({ content: event.text })] : []),
    done: (result) => {
      id = completionId(result);
      return [
        choice({}, finishReasonOf(result.answer.stopReason)),
        ...(includeUsage ? [chunk({ choices: [], usage: usageOf(result) })] : []),
        { data: '[DONE]' },
      ];
    },
    error: (error) => [data(openAiErrorOf(error, undefined))],
  };
}

function data(value: unknown): SseFrame {
  return { data: JSON.stringify(value) };
}

function completionId({ messageId }: { messageId: string }): string {
  return `chatcmpl-${messageId}`;
}

/** `length` when a limit cut the answer (max tokens, or an orchestration budget). */
function finishReasonOf(stopReason: StopReason): 'stop' | 'length' {
  return stopReason === 'end_turn' ? 'stop' : 'length';
}

function usageOf({ answer: { usage } }: TurnResult) {
  return {
    prompt_tokens: usage.input_tokens,
    completion_tokens: usage.output_tokens,
    total_tokens: usage.input_tokens + usage.output_tokens,
  };
}

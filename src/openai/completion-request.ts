import { CONVERSATION_ID_PATTERN } from '../conversations/conversation-id.pipe.js';
import { HistoryTurn } from '../routing/routing.types.js';
import { AnswerSettings, TurnRequest } from '../turns/turn.types.js';
import { ChatCompletionRequest } from './dto/chat-completion-request.dto.js';
import { UnsupportedParameterError } from './openai-errors.js';

/** The model's own range: OpenAI's 0..2 is clamped to it. */
const MAX_TEMPERATURE = 1;
const MAX_STOP_SEQUENCES = 4;

type Role = 'system' | 'developer' | 'user' | 'assistant';

/**
 * An OpenAI chat completion request as a turn: system and developer messages become a system text
 * added to the route's; the last message is the turn's message; earlier user and assistant messages are
 * the history (stateless), unless `metadata.conversation_id` names the conversation to continue. What
 * cannot be honoured is refused by name.
 */
export function turnRequestOf(sent: ChatCompletionRequest, maxMessageChars: number): TurnRequest {
  const body = withoutNulls(sent);
  refuseUnsupported(body);
  const messages = body.messages.map(readMessage);
  const last = messages.at(-1);
  if (last?.role !== 'user') {
    throw new UnsupportedParameterError('messages', 'The last message must be a user message');
  }
  checkLength(last.content.trim(), messages.length - 1, maxMessageChars);
  const system = messages
    .filter(({ role }) => role === 'system' || role === 'developer')
    .map(({ content }) => content)
    .join('\n\n');
  const conversationId = conversationIdOf(body);
  const history: HistoryTurn[] = messages
    .slice(0, -1)
    .filter(
      (message): message is HistoryTurn => message.role === 'user' || message.role === 'assistant',
    );
  return {
    message: last.content.trim(),
    ...(conversationId ? { conversationId } : { history }),
    settings: settingsOf(body, system),
  };
}

/** The request's settings, also what makes it this request (with the messages) for Idempotency-Key. */
function settingsOf(body: ChatCompletionRequest, system: string): AnswerSettings {
  const stop = typeof body.stop === 'string' ? [body.stop] : body.stop;
  if (
    stop !== undefined &&
    (!Array.isArray(stop) ||
      stop.length > MAX_STOP_SEQUENCES ||
      stop.some((item) => typeof item !== 'string' || item === ''))
  ) {
    throw new UnsupportedParameterError(
      'stop',
      `stop must be a string or up to ${MAX_STOP_SEQUENCES} non-empty strings`,
      'invalid_value',
    );
  }
  return {
    ...(system && { system }),
    ...((body.max_completion_tokens ?? body.max_tokens) !== undefined && {
      maxTokens: body.max_completion_tokens ?? body.max_tokens,
    }),
    ...(body.temperature !== undefined && {
      temperature: Math.min(body.temperature, MAX_TEMPERATURE),
    }),
    // Recent models take one of the two, and clients (LangChain's) send both by default.
    ...(body.top_p !== undefined && body.temperature === undefined && { topP: body.top_p }),
    ...(stop?.length && { stop }),
  };
}

function conversationIdOf(body: ChatCompletionRequest): string | undefined {
  const id = body.metadata?.conversation_id;
  if (id === undefined || id === null) return undefined;
  if (typeof id !== 'string' || !CONVERSATION_ID_PATTERN.test(id)) {
    throw new UnsupportedParameterError(
      'metadata.conversation_id',
      'metadata.conversation_id must match ^[A-Za-z0-9_-]{1,64}$',
      'invalid_value',
    );
  }
  return id;
}

/** As MAX_MESSAGE_CHARS on /api/v1: the turn's message, 1 to maxMessageChars characters after trimming. */
function checkLength(message: string, index: number, maxMessageChars: number): void {
  const param = `messages[${index}].content`;
  if (message === '') {
    throw new UnsupportedParameterError(param, 'No message provided', 'invalid_value');
  }
  if (message.length > maxMessageChars) {
    throw new UnsupportedParameterError(
      param,
      `message is longer than ${maxMessageChars} characters (MAX_MESSAGE_CHARS)`,
      'string_above_max_length',
    );
  }
}

/** OpenAI reads a parameter sent as `null` as one not sent, and so do its clients' wrappers. */
function withoutNulls(body: ChatCompletionRequest): ChatCompletionRequest {
  return Object.fromEntries(
    Object.entries(body).filter(([, value]) => value !== null),
  ) as unknown as ChatCompletionRequest;
}

function readMessage(value: unknown, index: number): { role: Role; content: string } {
  const message = value as { role?: unknown; content?: unknown };
  const at = `messages[${index}]`;
  if (typeof message !== 'object' || message === null) {
    throw new UnsupportedParameterError(at, `${at} must be an object`, 'invalid_value');
  }
  if (!['system', 'developer', 'user', 'assistant'].includes(message.role as string)) {
    throw new UnsupportedParameterError(
      `${at}.role`,
      `${at}.role must be system, developer, user or assistant (client-side tools are not supported)`,
    );
  }
  // An assistant turn may carry no text (a refusal, a tool call), which OpenAI sends as null.
  const content =
    message.role === 'assistant' && message.content === null
      ? ''
      : textOf(message.content, `${at}.content`);
  return { role: message.role as Role, content };
}

/** A string, or an array of text parts joined; any other part (image, audio, file) is refused. */
function textOf(content: unknown, at: string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) {
    throw new UnsupportedParameterError(at, `${at} must be a string or an array of text parts`);
  }
  return content
    .map((part: { type?: unknown; text?: unknown }, i) => {
      if (part?.type !== 'text' || typeof part.text !== 'string') {
        throw new UnsupportedParameterError(
          `${at}[${i}].type`,
          `${at}[${i}]: only text parts are supported (got ${String(part?.type)})`,
        );
      }
      return part.text;
    })
    .join('\n');
}

function refuseUnsupported(body: ChatCompletionRequest): void {
  const refuse = (param: string, why: string) => {
    throw new UnsupportedParameterError(param, `${param} is not supported: ${why}`);
  };
  if (body.n !== undefined && body.n !== 1) refuse('n', 'one choice per request');
  if (isPresent(body.tools)) refuse('tools', 'the tools are our MCP servers, chosen by the route');
  if (isPresent(body.functions)) refuse('functions', 'the tools are our MCP servers');
  if (!isNoneOrAuto(body.tool_choice)) refuse('tool_choice', 'only none or auto');
  if (!isNoneOrAuto(body.function_call)) refuse('function_call', 'only none or auto');
  if (body.logprobs === true || body.top_logprobs !== undefined) {
    refuse(body.logprobs === true ? 'logprobs' : 'top_logprobs', 'no log probabilities');
  }
  const format = (body.response_format as { type?: unknown } | undefined)?.type;
  if (format !== undefined && format !== 'text') refuse('response_format', 'text only');
  if (body.audio !== undefined) refuse('audio', 'text only');
  if (
    body.modalities !== undefined &&
    !(Array.isArray(body.modalities) && body.modalities.every((item) => item === 'text'))
  ) {
    refuse('modalities', 'text only');
  }
  if (body.web_search_options !== undefined) refuse('web_search_options', 'no web search');
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
}

function isNoneOrAuto(value: unknown): boolean {
  return value === undefined || value === null || value === 'none' || value === 'auto';
}

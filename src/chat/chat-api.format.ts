import { TurnFormat } from '../turn-http/turn-format.js';
import { progressEventOf, startEventOf, toChatResponse } from './chat-response.mapper.js';

/** The /api/v1 chat answer: a ChatResponse, or the `start` … `done` event stream. */
export const CHAT_API_FORMAT: TurnFormat = {
  json: toChatResponse,
  headers: () => ({}),
  start: (start) => [{ event: 'start', data: JSON.stringify(startEventOf(start)) }],
  progress: (event) => {
    const [name, data] = progressEventOf(event);
    return [{ event: name, data: JSON.stringify(data) }];
  },
  done: (result) => [{ event: 'done', data: JSON.stringify(toChatResponse(result)) }],
  error: ({ statusCode, message, request_id }) => [
    { event: 'error', data: JSON.stringify({ statusCode, message, request_id }) },
  ],
};

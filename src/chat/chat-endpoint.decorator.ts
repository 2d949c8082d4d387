import { applyDecorators, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/api-error-responses.js';
import { ChatResponse } from './dto/chat-response.dto.js';

/** The shared HTTP shape of every chat endpoint: POST, 200 with a ChatResponse, the shared errors. */
export function ChatEndpoint(path: string, summary: string): MethodDecorator {
  return applyDecorators(
    Post(path),
    HttpCode(200),
    ApiOperation({ summary }),
    ApiOkResponse({ type: ChatResponse }),
    ApiErrorResponses(400, 401, 404, 413, 415, 502, 503, 504),
  );
}

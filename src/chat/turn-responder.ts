import { Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { IncomingMessage, ServerResponse } from 'node:http';
import { clientGoneSignal } from '../common/client-gone.js';
import { errorBodyOf, faultDetail } from '../common/error-body.js';
import { assignRequestId, takeOverResponse } from '../common/request-id.js';
import { ChatTurnService, TurnOptions } from '../turns/chat-turn.service.js';
import { ChatExecutor, ProgressEvent, TurnObserver, TurnRequest } from '../turns/turn.types.js';
import { progressEventOf, startEventOf, toChatResponse } from './chat-response.mapper.js';
import { ChatRequest } from './dto/chat-request.dto.js';
import { idempotencyOf } from './idempotency-key.js';
import { SseStream } from './sse-stream.js';

/** The request and response of one HTTP exchange: the adapter's objects and Node's own. */
export interface ChatExchange {
  /** What the HTTP adapter handed the controller (Express's or Fastify's response). */
  reply: unknown;
  req: IncomingMessage;
  res: ServerResponse;
}

/**
 * Runs a chat turn for an HTTP request and answers it: one JSON ChatResponse, or with `stream: true`
 * Server-Sent Events. Either way a client that goes away cancels the turn and nothing is stored.
 */
@Injectable()
export class TurnResponder {
  private readonly logger = new Logger('Stream');

  constructor(
    private readonly turns: ChatTurnService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async respond<Prefetched>(
    exchange: ChatExchange,
    principal: string,
    request: ChatRequest,
    executor: ChatExecutor<Prefetched>,
  ): Promise<void> {
    const options = {
      signal: clientGoneSignal(exchange.res),
      idempotency: idempotencyOf(exchange.req, request),
    };
    if (request.stream === true) {
      await this.stream(exchange, principal, request, executor, options);
      return;
    }
    const result = await this.turns.run(principal, turnRequest(request), executor, options);
    this.adapterHost.httpAdapter.reply(exchange.reply, toChatResponse(result), 200);
  }

  /**
   * Errors before `start` (404, a store outage) are thrown and become plain JSON responses; after it,
   * they become an `error` event and the stream ends cleanly.
   */
  private async stream<Prefetched>(
    { reply, req, res }: ChatExchange,
    principal: string,
    request: ChatRequest,
    executor: ChatExecutor<Prefetched>,
    options: TurnOptions,
  ): Promise<void> {
    const sse = new SseStream(res, { beforeOpen: () => takeOverResponse(reply) });
    const observer: TurnObserver = {
      start: (start) => sse.send('start', startEventOf(start)),
      progress: (event: ProgressEvent) => {
        const [name, data] = progressEventOf(event);
        return sse.send(name, data);
      },
    };
    try {
      const result = await this.turns.run(principal, turnRequest(request), executor, {
        ...options,
        observer,
      });
      await sse.send('done', toChatResponse(result));
    } catch (error) {
      if (!sse.started) throw error;
      const body = errorBodyOf(error, assignRequestId(req, res));
      if (body.statusCode >= 500) this.logger.error(`${body.statusCode}: ${faultDetail(error)}`);
      const { statusCode, message, request_id } = body;
      await sse.send('error', { statusCode, message, request_id });
    } finally {
      sse.end();
    }
  }
}

export function turnRequest(request: ChatRequest): TurnRequest {
  return { message: request.message, conversationId: request.conversation_id };
}

import { Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { IncomingMessage, ServerResponse } from 'node:http';
import { clientGoneSignal } from '../common/client-gone.js';
import { errorBodyOf, faultDetail } from '../common/error-body.js';
import { assignRequestId, takeOverResponse } from '../common/request-id.js';
import { ChatTurnService, TurnOptions } from '../turns/chat-turn.service.js';
import { ChatExecutor, TurnObserver, TurnRequest } from '../turns/turn.types.js';
import { idempotencyOf } from './idempotency-key.js';
import { SseStream } from './sse-stream.js';
import { SseFrame, TurnFormat } from './turn-format.js';

/** The request and response of one HTTP exchange: the adapter's objects and Node's own. */
export interface HttpExchange {
  /** What the HTTP adapter handed the controller (Express's or Fastify's response). */
  reply: unknown;
  req: IncomingMessage;
  res: ServerResponse;
}

/** A turn as an API door asks for it. */
export interface TurnCall<Prefetched> {
  request: TurnRequest;
  executor: ChatExecutor<Prefetched>;
  stream: boolean;
  /** What makes this request this request, for Idempotency-Key (see idempotencyOf). */
  identity: unknown;
  format: TurnFormat;
}

/**
 * Runs a turn for an HTTP request and answers it in its door's format: one JSON body, or Server-Sent
 * Events. Either way a client that goes away cancels the turn and nothing is stored.
 */
@Injectable()
export class TurnResponder {
  private readonly logger = new Logger('Stream');

  constructor(
    private readonly turns: ChatTurnService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async respond<Prefetched>(
    exchange: HttpExchange,
    principal: string,
    call: TurnCall<Prefetched>,
  ): Promise<void> {
    const options = {
      signal: clientGoneSignal(exchange.res),
      idempotency: idempotencyOf(exchange.req, call.identity),
    };
    if (call.stream) {
      await this.stream(exchange, principal, call, options);
      return;
    }
    const result = await this.turns.run(principal, call.request, call.executor, options);
    const { answer } = result;
    const headers = call.format.headers({ ...answer, cached: answer.cached ?? false });
    for (const [name, value] of Object.entries(headers)) {
      exchange.res.setHeader(name, value);
    }
    this.adapterHost.httpAdapter.reply(exchange.reply, call.format.json(result), 200);
  }

  /**
   * Errors before the turn starts (404, 409, 429, a store outage) are thrown and become plain JSON
   * responses; after it, they become the format's error frames and the stream ends cleanly.
   */
  private async stream<Prefetched>(
    { reply, req, res }: HttpExchange,
    principal: string,
    { request, executor, format }: TurnCall<Prefetched>,
    options: TurnOptions,
  ): Promise<void> {
    const sse = new SseStream(res, { beforeOpen: () => takeOverResponse(reply) });
    const send = async (frames: SseFrame[]) => {
      for (const frame of frames) await sse.send(frame);
    };
    const observer: TurnObserver = {
      start: (start) => {
        if (!sse.started) sse.setHeaders(format.headers(start));
        return send(format.start(start));
      },
      progress: (event) => send(format.progress(event)),
    };
    try {
      const result = await this.turns.run(principal, request, executor, { ...options, observer });
      await send(format.done(result));
    } catch (error) {
      if (!sse.started) throw error;
      const body = errorBodyOf(error, assignRequestId(req, res));
      if (body.statusCode >= 500) this.logger.error(`${body.statusCode}: ${faultDetail(error)}`);
      await send(format.error(body));
    } finally {
      sse.end();
    }
  }
}

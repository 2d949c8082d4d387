import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * The store (Redis or its embedded stand-in) could not be reached: 503. `sent` says whether the command
 * may have reached it (a timeout) or certainly did not (no connection), which matters for writes.
 */
export class StoreUnavailableError extends HttpException {
  constructor(
    cause?: unknown,
    readonly sent: 'no' | 'maybe' = 'maybe',
  ) {
    super(
      'The conversation store is unavailable; nothing was saved, retry shortly',
      HttpStatus.SERVICE_UNAVAILABLE,
      { cause },
    );
  }
}

/**
 * The store did not confirm a turn's write (a timeout during a failover or a pause): it may land a
 * moment later, or never. The client is told the outcome is unknown and how to find it out.
 */
export class WriteOutcomeUnknownError extends HttpException {
  constructor(cause?: unknown) {
    super(
      'The store did not confirm saving this turn, so it may or may not be in the conversation. ' +
        'Retry with the same Idempotency-Key to get the saved answer (or a new one if it was not ' +
        'saved); without a key, wait a few seconds, then read the conversation before retrying',
      HttpStatus.SERVICE_UNAVAILABLE,
      { cause },
    );
  }
}

/** A model id (the OpenAI door's name for a route) that is not one of ours: 404 model_not_found. */
export class ModelNotFoundError extends HttpException {
  constructor(model: string) {
    super(
      `The model '${model}' does not exist: use orchestrated, direct, ultrafast or mcp-agent`,
      HttpStatus.NOT_FOUND,
    );
  }
}

export class ConversationNotFoundError extends HttpException {
  constructor() {
    super('Conversation not found', HttpStatus.NOT_FOUND);
  }
}

/**
 * The client went away before its answer was complete: the work is abandoned and nothing is stored.
 * Nobody reads the response; 499 is the conventional status for it in logs.
 */
export class ClientGoneError extends HttpException {
  constructor() {
    super('The client closed the request before the answer was complete', 499);
  }
}

/** A request with this Idempotency-Key is still running: 409 until it has finished. */
export class IdempotencyInFlightError extends HttpException {
  constructor() {
    super(
      'A request with this Idempotency-Key is still in progress; retry once it has finished',
      HttpStatus.CONFLICT,
    );
  }
}

/** The Idempotency-Key was first used with another request (another body or endpoint): 422. */
export class IdempotencyKeyReusedError extends HttpException {
  constructor() {
    super(
      'This Idempotency-Key was already used with a different request; use a new key for a new request',
      HttpStatus.UNPROCESSABLE_ENTITY,
    );
  }
}

/** Over RATE_LIMIT_PER_MINUTE: 429, with Retry-After in whole seconds. */
export class RateLimitedError extends HttpException {
  constructor(
    limit: number,
    readonly retryAfterSeconds: number,
  ) {
    super(
      `Rate limit of ${limit} requests a minute reached; retry in ${retryAfterSeconds} s`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

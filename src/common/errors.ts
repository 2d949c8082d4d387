import { HttpException, HttpStatus } from '@nestjs/common';

/** The store (Redis or its embedded stand-in) could not be reached: 503, nothing was written. */
export class StoreUnavailableError extends HttpException {
  constructor(cause?: unknown) {
    super(
      'The conversation store is unavailable; nothing was saved, retry shortly',
      HttpStatus.SERVICE_UNAVAILABLE,
      {
        cause,
      },
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

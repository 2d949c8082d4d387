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

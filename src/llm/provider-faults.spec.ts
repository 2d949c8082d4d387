import Anthropic from '@anthropic-ai/sdk';
import type { APIError } from '@anthropic-ai/sdk';
import { describe, expect, it } from '@jest/globals';
import { faultDetail } from '../common/error-body.js';
import { toModelError } from './llm-errors.js';
import {
  describeFault,
  isDroppedResponse,
  isMalformedBody,
  isTransientStreamError,
} from './provider-faults.js';

const ECHO = 'please summarise: my password is hunter2';

function statusError(status: number, type: string): APIError {
  const body = { type: 'error', error: { type, message: `bad request: ${ECHO}` } };
  return Anthropic.APIError.generate(
    status,
    body,
    undefined,
    new Headers({ 'request-id': 'req_42' }),
  );
}

/** What undici throws when the connection closes under a body being read. */
function cutBody(): Error {
  const socket = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
  return new TypeError('terminated', { cause: socket });
}

describe('provider faults', () => {
  it('are described by status, type and request id, never by their body', () => {
    const error = statusError(400, 'invalid_request_error');
    expect(error.message).toContain(ECHO); // the SDK's own message quotes the body
    expect(describeFault(error)).toBe('status 400, type invalid_request_error, request id req_42');
  });

  it('keep no body in the error we log (the exception filter logs the cause)', () => {
    for (const error of [
      statusError(500, 'api_error'),
      new SyntaxError(`Unexpected token 'p', "${ECHO}" is not valid JSON`),
      new Anthropic.APIError(
        undefined,
        { type: 'error', error: { type: 'overloaded_error', message: ECHO } },
        undefined,
        new Headers(),
      ),
    ]) {
      const mapped = toModelError(error, 1000, false);
      expect(faultDetail(mapped)).not.toContain('hunter2');
      expect(mapped.message).not.toContain('hunter2');
    }
  });

  it('tell a body cut after the headers from a connection that failed before them', () => {
    expect(isDroppedResponse(cutBody())).toBe(true);
    // The SDK's stream wraps it, as text when the error is not of its realm.
    expect(isDroppedResponse(new Anthropic.AnthropicError('TypeError: terminated'))).toBe(true);
    expect(isDroppedResponse(new Anthropic.APIConnectionError({ cause: cutBody() }))).toBe(false);
    expect(isDroppedResponse(statusError(500, 'api_error'))).toBe(false);
    expect(describeFault(cutBody())).toBe('the connection dropped during the response');
  });

  it('recognise a malformed body and a transient error event in a stream', () => {
    expect(isMalformedBody(new SyntaxError('Unexpected token'))).toBe(true);
    expect(toModelError(new SyntaxError('x'), 1000, false).message).toBe(
      'The model provider failed: malformed response',
    );
    const overloaded = new Anthropic.APIError(
      undefined,
      { error: { type: 'overloaded_error' } },
      undefined,
      new Headers(),
    );
    expect(isTransientStreamError(overloaded)).toBe(true);
    expect(isTransientStreamError(statusError(529, 'overloaded_error'))).toBe(false);
  });
});

import Anthropic from '@anthropic-ai/sdk';

/**
 * What went wrong in a provider call, told without the provider's body (an error body may echo our
 * request, and a malformed body may be anything): HTTP status, error type and request id, or the
 * kind of transport failure.
 *
 * Errors raised inside undici (a body cut mid-way) may come from another realm than ours (jest's
 * VM), so they are recognised by shape, never by `instanceof Error`.
 */

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
}

/** undici's codes for a socket that closed or failed under a response. */
const SOCKET_CODES = new Set(['UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNRESET', 'EPIPE']);
/** The provider's own transient error types, as sent in an SSE `error` event mid-stream. */
const TRANSIENT_STREAM_TYPES = new Set(['overloaded_error', 'api_error', 'rate_limit_error']);
/** undici's message for a body whose connection ended early (the SDK may wrap it as text). */
const TERMINATED = /(^|: )terminated$/;

/** The safe one-line description logged and kept as the cause of our HTTP error. */
export function describeFault(error: unknown): string {
  if (error instanceof Anthropic.APIError && error.status !== undefined) {
    return [
      `status ${error.status}`,
      error.type ? `type ${error.type}` : undefined,
      error.requestID ? `request id ${error.requestID}` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
  }
  if (error instanceof Anthropic.APIError && error.type) {
    return `error event of type ${error.type} in the stream`;
  }
  if (error instanceof Anthropic.APIUserAbortError) return 'cancelled';
  if (error instanceof Anthropic.APIConnectionTimeoutError) return 'timed out';
  if (isDroppedResponse(error)) return 'the connection dropped during the response';
  if (error instanceof Anthropic.APIConnectionError) return 'the connection failed';
  if (isMalformedBody(error)) return 'the response body is not valid JSON';
  const name = (error as ErrorLike | undefined)?.name;
  return `unexpected ${typeof name === 'string' ? name : 'error'}`;
}

/**
 * The connection died after the response had begun (mid-body, or mid-stream). The SDK retries
 * connection failures only until the headers have arrived, so these are retried by LLMService.
 */
export function isDroppedResponse(error: unknown): boolean {
  if (error instanceof Anthropic.APIConnectionError) return false; // before the headers: the SDK's
  for (const link of causeChain(error)) {
    if (typeof link.code === 'string' && SOCKET_CODES.has(link.code)) return true;
    if (typeof link.message === 'string' && TERMINATED.test(link.message)) return true;
  }
  return false;
}

/** An SSE `error` event the provider sends mid-stream for a transient fault (overloaded and such). */
export function isTransientStreamError(error: unknown): boolean {
  return (
    error instanceof Anthropic.APIError &&
    error.status === undefined &&
    typeof error.type === 'string' &&
    TRANSIENT_STREAM_TYPES.has(error.type)
  );
}

/** A 2xx whose body could not be parsed (JSON.parse's message quotes the body, so it is not kept). */
export function isMalformedBody(error: unknown): boolean {
  return (error as ErrorLike | undefined)?.name === 'SyntaxError';
}

function causeChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  let link: unknown = error;
  while (typeof link === 'object' && link !== null && chain.length < 8) {
    const current: ErrorLike = link;
    chain.push(current);
    link = current.cause;
  }
  return chain;
}

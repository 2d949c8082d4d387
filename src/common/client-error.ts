import { HttpException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorBodyOf } from './error-body.js';

/** Node's parser errors that reach no route, as statuses and messages a client can act on. */
const CLIENT_ERRORS: Record<string, [status: number, message: string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request headers are larger than 16 KiB'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'The request was not received in time'],
};

/**
 * A request Node could not read (headers too large, a request that trickled in past the timeouts, bytes
 * that are not HTTP) gets the one error shape too, written on the socket because no route will run,
 * and the connection closed. The server's `clientError` handler on either adapter.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  const responding = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || responding?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, message] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'Malformed HTTP request'];
  const requestId = randomUUID();
  const body = JSON.stringify(errorBodyOf(new HttpException(message, status), requestId));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Request-Id: ${requestId}\r\n\r\n${body}`,
  );
}

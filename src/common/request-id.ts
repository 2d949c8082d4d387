import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';

const REQUEST_ID_HEADER = 'x-request-id';
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

type WithId = IncomingMessage & { id?: string | number };

/** The client's X-Request-Id when it is valid, else a new one. */
export function requestIdOf(req: IncomingMessage): string {
  const sent = req.headers[REQUEST_ID_HEADER];
  return typeof sent === 'string' && VALID_REQUEST_ID.test(sent) ? sent : randomUUID();
}

/**
 * The request's id, assigned once (by the HTTP adapter, or here on first use) and echoed in the
 * response's X-Request-Id.
 */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const existing = (req as WithId).id;
  const id = typeof existing === 'string' ? existing : requestIdOf(req);
  (req as WithId).id = id;
  if (!res.headersSent && !res.hasHeader('X-Request-Id')) res.setHeader('X-Request-Id', id);
  return id;
}

/** Node's request and response behind whichever HTTP adapter is running (Fastify wraps them in `raw`). */
export function rawHttp(req: unknown, res: unknown): { req: IncomingMessage; res: ServerResponse } {
  const unwrap = <T>(value: unknown): T => ((value as { raw?: T }).raw ?? value) as T;
  return { req: unwrap<IncomingMessage>(req), res: unwrap<ServerResponse>(res) };
}

/**
 * Tells the HTTP adapter that the handler writes this response itself on Node's response (a stream):
 * Fastify would otherwise also try to send one; Express has nothing to be told.
 */
export function takeOverResponse(reply: unknown): void {
  (reply as { hijack?: () => void }).hijack?.();
}

import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';

const REQUEST_ID_HEADER = 'x-request-id';
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

type WithId = IncomingMessage & { id?: string | number };

/** The client's X-Request-Id when valid, else a new one; echoed on the response. Called once per request. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const existing = (req as WithId).id;
  if (typeof existing === 'string') return existing;
  const sent = req.headers[REQUEST_ID_HEADER];
  const id = typeof sent === 'string' && VALID_REQUEST_ID.test(sent) ? sent : randomUUID();
  (req as WithId).id = id;
  if (!res.headersSent) res.setHeader('X-Request-Id', id);
  return id;
}

/** Node's request and response behind whichever HTTP adapter is running (Fastify wraps them in `raw`). */
export function rawHttp(req: unknown, res: unknown): { req: IncomingMessage; res: ServerResponse } {
  const unwrap = <T>(value: unknown): T => ((value as { raw?: T }).raw ?? value) as T;
  return { req: unwrap<IncomingMessage>(req), res: unwrap<ServerResponse>(res) };
}

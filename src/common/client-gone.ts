import { ServerResponse } from 'node:http';

/**
 * Aborts when the client goes away before its response is complete (the connection closes first), so
 * the work for it can stop. A response that finished normally never aborts it.
 */
export function clientGoneSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  if (res.destroyed && !res.writableFinished) controller.abort();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

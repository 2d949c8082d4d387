/**
 * Runs one SDK request with its own AbortSignal that follows `parent`. The MCP SDK leaves an abort
 * listener on the signal it is given; a per-request signal keeps those listeners from piling up on
 * long-lived signals (a connection's lifetime, a complex turn's budget).
 */
export async function withRequestSignal<T>(
  parent: AbortSignal | undefined,
  request: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const forward = (): void => controller.abort(parent?.reason);
  if (parent?.aborted) forward();
  else parent?.addEventListener('abort', forward, { once: true });
  try {
    return await request(controller.signal);
  } finally {
    parent?.removeEventListener('abort', forward);
  }
}

/**
 * Settles with `work`, or rejects after `ms` (calling `onTimeout` to release what `work` holds). For
 * steps the SDK does not bound itself, such as an SSE transport waiting for its endpoint event.
 */
export async function withinTimeout<T>(
  work: Promise<T>,
  ms: number,
  onTimeout: () => Promise<unknown>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void onTimeout().catch(() => undefined);
      reject(new Error(`no answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

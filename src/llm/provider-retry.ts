import Anthropic from '@anthropic-ai/sdk';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Retries what the SDK does not: a response that failed after it had begun (a body cut mid-way, a
 * stream dropped or sent an `error` event before any text was used). The SDK retries connection
 * failures before the headers and 408/409/429/5xx statuses (honouring `retry-after`) by itself, so
 * each attempt here may hold its own SDK retries; all of them share the caller's deadline.
 */

/** Attempts after the first, as many as the SDK's own. */
export const RETRIES_AFTER_RESPONSE_BEGAN = 2;
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;

export interface RetryOptions {
  /** Aborted by the deadline or by the caller; stops the waiting between attempts. */
  signal: AbortSignal;
  /** When the deadline passes (performance.now() time). */
  deadline: number;
  /** Whether this failure may be retried (the attempt may say no once text has been handed on). */
  retryable: (error: unknown) => boolean;
  /** Told about each retry before its wait. */
  onRetry: (error: unknown, retry: number, delayMs: number) => void;
}

export async function retryBegunResponses<T>(
  attempt: () => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  for (let retry = 1; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      const delayMs = backoffMs(retry);
      const timeLeft = options.deadline - performance.now();
      const retryable = retry <= RETRIES_AFTER_RESPONSE_BEGAN && options.retryable(error);
      if (!retryable || options.signal.aborted || delayMs >= timeLeft) throw error;
      options.onRetry(error, retry, delayMs);
      await sleep(delayMs, undefined, { signal: options.signal }).catch(() => {
        // Cancelled while waiting: the deadline is told apart by the caller (504), anything else
        // is the caller going away.
        throw new Anthropic.APIUserAbortError();
      });
    }
  }
}

/** The SDK's own schedule: 0.5 s, 1 s, 2 s … up to 8 s, less up to 25 % jitter. */
function backoffMs(retry: number): number {
  const delay = Math.min(FIRST_DELAY_MS * 2 ** (retry - 1), MAX_DELAY_MS);
  return Math.round(delay * (1 - Math.random() * 0.25));
}

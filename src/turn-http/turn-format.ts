import { ErrorResponseDto } from '../common/error-response.dto.js';
import { ProgressEvent, RouteAnswer, TurnResult, TurnStart } from '../turns/turn.types.js';

/** One event of a Server-Sent Events stream, its data already serialised; no name for data-only streams. */
export interface SseFrame {
  event?: string;
  data: string;
}

/**
 * How one API door writes a turn: its JSON body, its response headers, and its stream's frames. The
 * turn, the SSE mechanics, cancellation and idempotency are the same for every door.
 */
export interface TurnFormat {
  json(result: TurnResult): unknown;
  /** Headers known once the route and model are (all of `answer` for JSON, route and model for streams). */
  headers(
    answer: Pick<RouteAnswer, 'route' | 'model'> & Partial<Pick<RouteAnswer, 'cached'>>,
  ): Record<string, string>;
  start(start: TurnStart): SseFrame[];
  progress(event: ProgressEvent): SseFrame[];
  done(result: TurnResult): SseFrame[];
  /** The turn failed after the stream started. */
  error(error: ErrorResponseDto): SseFrame[];
}

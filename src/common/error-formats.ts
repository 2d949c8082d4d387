import { Injectable } from '@nestjs/common';
import { ErrorResponseDto } from './error-response.dto.js';

/** Rewrites the one error shape into another API's (the OpenAI door's), given the exception too. */
export type ErrorFormat = (body: ErrorResponseDto, exception: unknown) => unknown;

/**
 * Error shapes by path prefix: the exception filter answers `{statusCode, error, message, request_id}`
 * except under a prefix whose door registered its own shape.
 */
@Injectable()
export class ErrorFormats {
  private readonly formats: Array<[prefix: string, format: ErrorFormat]> = [];

  /** `prefix` is a lower-case path without a trailing slash (`/v1`): it and every path below it. */
  register(prefix: string, format: ErrorFormat): void {
    this.formats.push([prefix, format]);
  }

  bodyFor(url: string | undefined, body: ErrorResponseDto, exception: unknown): unknown {
    // Lower-cased: Express routes paths case-insensitively, so `/V1/…` reaches the /v1 door too.
    const path = url?.split('?', 1)[0].toLowerCase();
    const format = this.formats.find(
      ([prefix]) => path === prefix || path?.startsWith(`${prefix}/`),
    )?.[1];
    return format ? format(body, exception) : body;
  }
}

import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import { isUtf8 } from 'node:buffer';

export const NOT_UTF8_CHARSET = 'JSON bodies must be UTF-8 (charset=utf-8)';

/**
 * A JSON body's bytes, before they are decoded: JSON is UTF-8 (RFC 8259 §8.1), so another declared
 * charset is 415, and bytes that are not UTF-8 are 400 instead of being decoded into U+FFFD and
 * stored. A leading byte order mark is valid UTF-8 and is ignored by the parser, as the RFC allows.
 */
export function assertUtf8Json(bytes: Buffer, charset: string | undefined): void {
  if (charset !== undefined && charset !== 'utf-8') {
    throw new UnsupportedMediaTypeException(NOT_UTF8_CHARSET);
  }
  if (!isUtf8(bytes)) throw new BadRequestException('Request body is not valid UTF-8');
}

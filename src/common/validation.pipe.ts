import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

/**
 * Whitelisting validation for every DTO: unknown fields are refused by name. A single problem is
 * reported as a string, several as an array.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => {
      const messages = errors.flatMap(messagesOf);
      return new BadRequestException(messages.length === 1 ? messages[0] : messages);
    },
  });
}

function messagesOf(error: ValidationError): string[] {
  const own = Object.values(error.constraints ?? {});
  return [...own, ...(error.children ?? []).flatMap(messagesOf)];
}

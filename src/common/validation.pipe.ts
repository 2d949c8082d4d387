import {
  ArgumentMetadata,
  BadRequestException,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { fastValidationOf } from './fast-validation.js';
import { bodyLimitsOf, jsonBodyProblem, unknownPropertyMessages } from './json-body-check.js';

/**
 * Whitelisting validation for every DTO: unknown fields are refused by name. A single problem is
 * reported as a string, several as an array. A body is first checked in bounded time (see
 * `refuseHostileBody`), so no body makes class-transformer or class-validator work for long.
 */
export function createValidationPipe(): ValidationPipe {
  return new BodyCheckingValidationPipe({
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

/**
 * Nest's ValidationPipe, after a check of a request body that runs on the parsed JSON alone (so it is
 * the same on every HTTP adapter) before class-transformer sees it.
 */
class BodyCheckingValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body') {
      refuseHostileBody(value, metadata.metatype);
      const valid = fastValidationOf(metadata.metatype)?.(value);
      if (valid !== undefined) return valid;
    }
    return super.transform(value, metadata);
  }
}

/**
 * 400 before any transformation for a body that is not an object where a DTO expects one; that has
 * properties its DTO does not declare (refused by name, as the whitelist would, but without first
 * copying and validating 50,000 of them); that is past its limits of depth or size (`BodyLimits`); or
 * that holds a string which is not well-formed UTF-16.
 */
function refuseHostileBody(body: unknown, metatype: unknown): void {
  const declared = declaredPropertiesOf(metatype);
  if (declared && body !== undefined && body !== null) {
    if (typeof body !== 'object' || Array.isArray(body)) {
      throw new BadRequestException('Request body must be a JSON object');
    }
    const unknown = unknownPropertyMessages(body, declared);
    if (unknown.length > 0)
      throw new BadRequestException(unknown.length === 1 ? unknown[0] : unknown);
  }
  const problem = jsonBodyProblem(body, bodyLimitsOf(metatype));
  if (problem) throw new BadRequestException(problem);
}

const declaredByDto = new WeakMap<object, ReadonlySet<string> | null>();

/**
 * The properties a DTO class declares to class-validator (its whitelist), read once per class; none
 * for a body without a DTO class or a class without rules, which the ValidationPipe leaves alone.
 */
function declaredPropertiesOf(metatype: unknown): ReadonlySet<string> | undefined {
  if (typeof metatype !== 'function') return undefined;
  let declared = declaredByDto.get(metatype);
  if (declared === undefined) {
    const rules = getMetadataStorage().getTargetValidationMetadatas(metatype, '', false, false);
    declared = rules.length > 0 ? new Set(rules.map((rule) => rule.propertyName)) : null;
    declaredByDto.set(metatype, declared);
  }
  return declared ?? undefined;
}

function messagesOf(error: ValidationError): string[] {
  const own = Object.values(error.constraints ?? {});
  return [...own, ...(error.children ?? []).flatMap(messagesOf)];
}

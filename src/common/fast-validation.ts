/**
 * A hand-written check of a DTO for the common case: it returns the DTO when the body is plainly valid,
 * or undefined, and the full class-validator pass then runs and says what is wrong in its own words.
 */
export type FastValidation<T> = (body: unknown) => T | undefined;

const fastByDto = new WeakMap<object, FastValidation<unknown>>();

/**
 * Marks a DTO on the hot path (the chat request): a valid body skips class-transformer and
 * class-validator, which cost more than the rest of a cache hit; an invalid one gets the same messages
 * as before.
 */
export function FastValidated<T>(check: FastValidation<T>): ClassDecorator {
  return (target) => {
    fastByDto.set(target, check);
  };
}

export function fastValidationOf(metatype: unknown): FastValidation<unknown> | undefined {
  return typeof metatype === 'function' ? fastByDto.get(metatype) : undefined;
}

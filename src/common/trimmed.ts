import { Transform } from 'class-transformer';

/** Trims string input before validation; other types pass through so the type check can name them. */
export function trimmed(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim() : value,
  );
}

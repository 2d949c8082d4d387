/**
 * Bounds on a parsed JSON body, checked before anything walks it recursively (class-transformer,
 * class-validator, Nest's ValidationPipe): past them a body is refused at once, whatever its DTO.
 */
export interface JsonBodyLimits {
  /** The deepest nesting of objects and arrays; the body itself is level 1. */
  maxDepth: number;
  /** The most values at all depths: every object member (a key and its value) and array item. */
  maxValues: number;
}

/**
 * Limits of a body whose DTO names none (see `BodyLimits`): far above what a flat DTO needs, low
 * enough that validating and transforming such a body stays in the low milliseconds.
 */
export const DEFAULT_JSON_BODY_LIMITS: JsonBodyLimits = { maxDepth: 16, maxValues: 2_000 };

const limitsByDto = new WeakMap<object, JsonBodyLimits>();

/**
 * A DTO's own body limits instead of DEFAULT_JSON_BODY_LIMITS: a door that takes larger bodies (an
 * array of messages, tool schemas) names what it needs on its request class.
 */
export function BodyLimits(limits: JsonBodyLimits): ClassDecorator {
  return (target) => {
    limitsByDto.set(target, limits);
  };
}

/** The limits a body bound to `metatype` (the parameter's DTO class, if any) is checked against. */
export function bodyLimitsOf(metatype: unknown): JsonBodyLimits {
  return (typeof metatype === 'function' && limitsByDto.get(metatype)) || DEFAULT_JSON_BODY_LIMITS;
}

const NAMED_UNKNOWN_PROPERTIES = 5;
const SHOWN_NAME_CHARS = 64;

/**
 * The top-level properties a DTO does not declare, refused by name in class-validator's own words
 * (`property extra should not exist`) before any transformation: at most five are named, so a body of
 * 50,000 unknown keys costs one look at its keys and a short answer.
 */
export function unknownPropertyMessages(body: object, declared: ReadonlySet<string>): string[] {
  const messages: string[] = [];
  for (const key of Object.keys(body)) {
    if (declared.has(key)) continue;
    if (messages.length === NAMED_UNKNOWN_PROPERTIES) {
      messages.push('…and more properties that should not exist');
      break;
    }
    messages.push(`property ${shownName(key)} should not exist`);
  }
  return messages;
}

interface Visit {
  value: unknown;
  depth: number;
  parent?: Visit;
  key?: string | number;
}

/**
 * The first reason to refuse a parsed body before it is transformed, or undefined: nested deeper than
 * `maxDepth`, more than `maxValues` values, or a string (value or key) that is not well-formed UTF-16
 * (a lone surrogate, which every later model call of the conversation would choke on). The walk is a
 * loop, never recursion, and stops at the first problem, so its work is bounded by the limits.
 */
export function jsonBodyProblem(body: unknown, limits: JsonBodyLimits): string | undefined {
  const pending: Visit[] = [{ value: body, depth: 0 }];
  let values = 0;
  for (let visit = pending.pop(); visit; visit = pending.pop()) {
    const { value } = visit;
    if (typeof value === 'string') {
      if (!isWellFormed(value)) return `${pathOf(visit)} ${NOT_WELL_FORMED}`;
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const depth = visit.depth + 1;
    if (depth > limits.maxDepth) {
      return `Request body is nested too deeply: at most ${limits.maxDepth} levels of objects and arrays`;
    }
    const keys = Array.isArray(value) ? undefined : Object.keys(value);
    const size = keys ? keys.length : (value as unknown[]).length;
    values += size;
    if (values > limits.maxValues) {
      return `Request body has too many values: at most ${limits.maxValues} object members and array items`;
    }
    for (let i = size - 1; i >= 0; i--) {
      const key = keys ? keys[i] : i;
      if (typeof key === 'string' && !isWellFormed(key)) {
        return `A property name in ${visit.parent ? pathOf(visit) : 'the request body'} ${NOT_WELL_FORMED}`;
      }
      const member = (value as Record<string | number, unknown>)[key];
      pending.push({ value: member, depth, parent: visit, key });
    }
  }
  return undefined;
}

const NOT_WELL_FORMED =
  'must be well-formed Unicode: it contains a lone surrogate (\\uD800-\\uDFFF)';

/** ES2024's String.prototype.isWellFormed: Node 20 has it, the ES2023 lib we compile against not. */
function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

/** `messages[0].content`: where a value sits, for the error message. */
function pathOf(visit: Visit): string {
  let path = '';
  for (let at: Visit | undefined = visit; at?.parent; at = at.parent) {
    const key = at.key;
    path =
      typeof key === 'number'
        ? `[${key}]${path}`
        : `${at.parent.parent ? '.' : ''}${shownName(key ?? '')}${path}`;
  }
  return path || 'Request body';
}

/** A client's key, shortened for an error message (a key can be most of a megabyte). */
function shownName(key: string): string {
  if (key.length <= SHOWN_NAME_CHARS) return key;
  return `${key.slice(0, SHOWN_NAME_CHARS).replace(/[\uD800-\uDBFF]$/, '')}…`;
}

import { describe, expect, it } from '@jest/globals';
import {
  BodyLimits,
  bodyLimitsOf,
  DEFAULT_JSON_BODY_LIMITS,
  jsonBodyProblem,
  unknownPropertyMessages,
} from './json-body-check.js';

const LIMITS = { maxDepth: 3, maxValues: 10 };

/** `levels` arrays, one inside the other, around a 0. */
function nested(levels: number): unknown {
  let value: unknown = 0;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

describe('jsonBodyProblem', () => {
  it('passes a body within the limits, strings with surrogate pairs included', () => {
    expect(jsonBodyProblem({ message: 'hi 😀', list: [1, { a: null }] }, LIMITS)).toBeUndefined();
    expect(jsonBodyProblem(undefined, LIMITS)).toBeUndefined();
  });

  it('counts the body as level 1 and refuses one level more than maxDepth', () => {
    expect(jsonBodyProblem(nested(3), LIMITS)).toBeUndefined();
    expect(jsonBodyProblem(nested(4), LIMITS)).toMatch(/nested too deeply: at most 3 levels/);
  });

  it('walks 100,000 levels without recursion, stopping at the limit', () => {
    expect(jsonBodyProblem(nested(100_000), DEFAULT_JSON_BODY_LIMITS)).toMatch(/nested too deeply/);
  });

  it('counts object members and array items at every depth', () => {
    // 2 members, then 6 items and 2 members: 10 values; one item more is 11.
    expect(jsonBodyProblem({ a: [1, 2, 3, 4, 5, 6], b: { c: 1, d: 2 } }, LIMITS)).toBeUndefined();
    expect(jsonBodyProblem({ a: [1, 2, 3, 4, 5, 6, 7], b: { c: 1, d: 2 } }, LIMITS)).toMatch(
      /too many values: at most 10/,
    );
    const wide = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]));
    expect(jsonBodyProblem(wide, DEFAULT_JSON_BODY_LIMITS)).toMatch(/too many values/);
  });

  it.each([
    [{ message: 'a\uD800' }, 'message must be well-formed Unicode'],
    [{ message: '\uDC00b' }, 'message must be well-formed Unicode'],
    [{ message: '\uDE00\uD83D' }, 'message must be well-formed Unicode'],
    [{ messages: [{ content: 'ok' }, { content: 'x\uDBFF' }] }, 'messages[1].content must be'],
    [{ a: { ['k\uD800']: 1 } }, 'A property name in a must be well-formed'],
    [{ ['\uDFFF']: 1 }, 'A property name in the request body must be well-formed'],
    ['\uD800', 'Request body must be well-formed'],
  ])('refuses a lone surrogate in %j', (body, expected) => {
    expect(jsonBodyProblem(body, LIMITS)).toContain(expected);
  });
});

describe('unknownPropertyMessages', () => {
  const declared = new Set(['message', 'stream']);

  it('names each undeclared key in class-validator’s words, __proto__ and constructor included', () => {
    expect(unknownPropertyMessages({ message: 'hi' }, declared)).toEqual([]);
    const body = JSON.parse('{"message":"hi","__proto__":{},"constructor":1}') as object;
    expect(unknownPropertyMessages(body, declared)).toEqual([
      'property __proto__ should not exist',
      'property constructor should not exist',
    ]);
  });

  it('names five at most, and shortens a long key', () => {
    const many = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]));
    const messages = unknownPropertyMessages(many, declared);
    expect(messages).toHaveLength(6);
    expect(messages.at(-1)).toBe('…and more properties that should not exist');
    const [long] = unknownPropertyMessages({ ['x'.repeat(100_000)]: 1 }, declared);
    expect(long).toBe(`property ${'x'.repeat(64)}… should not exist`);
  });
});

describe('BodyLimits', () => {
  it('gives a DTO its own limits; any other body gets the defaults', () => {
    @BodyLimits({ maxDepth: 2, maxValues: 5 })
    class Small {}
    class Plain {}
    expect(bodyLimitsOf(Small)).toEqual({ maxDepth: 2, maxValues: 5 });
    expect(bodyLimitsOf(Plain)).toBe(DEFAULT_JSON_BODY_LIMITS);
    expect(bodyLimitsOf(undefined)).toBe(DEFAULT_JSON_BODY_LIMITS);
  });
});

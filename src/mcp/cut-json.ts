/**
 * Two small byte-level JSON readers for a message too large to hold: one follows the whole line
 * as it streams by to find whether it is a result or an error, and its `id` (wherever the
 * serialiser put them); the other turns the kept beginning of the line into valid JSON by closing
 * what is open.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
/** Keys and ids are short; longer ones are not ours to read. */
const MAX_CAPTURE_BYTES = 256;
/** Deeper than any tool result nests; past it the head is not mended (so mending stays linear). */
const MAX_DEPTH = 64;

const RESULT_KEY = Buffer.from('result');
const ERROR_KEY = Buffer.from('error');
const ID_KEY = Buffer.from('id');

/**
 * Follows a JSON object of any size chunk by chunk, noting only whether it has a top-level `result`
 * or `error` and the raw text of its `id`. What it holds is one key or id being read (at most
 * MAX_CAPTURE_BYTES), whatever the message holds: a line of endless keys costs no memory.
 */
export class TopLevelScanner {
  hasResult = false;
  hasError = false;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private expectKey = false;
  /** The top-level key or `id` value being read: its first `captured` bytes. */
  private readonly capture = Buffer.alloc(MAX_CAPTURE_BYTES);
  private captured = 0;
  private capturing: 'key' | 'id' | undefined;
  private lastKeyIsId = false;
  private idText?: string;

  /** The raw JSON text of the top-level `id` (a number or a string), once it has been read. */
  get id(): string | undefined {
    return this.idText;
  }

  push(chunk: Buffer): void {
    // Strings nobody reads are skipped to their next quote or backslash; both positions are
    // remembered, so a string full of escapes is still read in one pass.
    let quoteAt = -2;
    let backslashAt = -2;
    for (let i = 0; i < chunk.length; i++) {
      if (this.inString && !this.escaped && this.capturing === undefined) {
        if (quoteAt !== -1 && quoteAt < i) quoteAt = chunk.indexOf(QUOTE, i);
        if (backslashAt !== -1 && backslashAt < i) backslashAt = chunk.indexOf(BACKSLASH, i);
        const next =
          quoteAt === -1 || backslashAt === -1
            ? Math.max(quoteAt, backslashAt)
            : Math.min(quoteAt, backslashAt);
        if (next === -1) return;
        i = next;
      }
      this.step(chunk[i]);
    }
  }

  private step(byte: number): void {
    if (this.inString) return this.stringByte(byte);
    if (this.capturing === 'id' && this.depth === 1) {
      if (byte !== COMMA && byte !== CLOSE_OBJECT) {
        this.captureByte(byte);
        if (byte === QUOTE) this.inString = true;
        return;
      }
      this.endId();
    }
    if (byte === QUOTE) {
      this.inString = true;
      if (this.depth === 1 && this.expectKey) this.startCapture('key');
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      this.depth += 1;
      this.expectKey = this.depth === 1;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      this.depth -= 1;
    } else if (this.depth === 1 && byte === COMMA) {
      this.expectKey = true;
    } else if (this.depth === 1 && byte === COLON) {
      this.expectKey = false;
      if (this.lastKeyIsId) this.startCapture('id');
    }
  }

  private stringByte(byte: number): void {
    if (this.capturing) this.captureByte(byte);
    if (this.escaped) {
      this.escaped = false;
    } else if (byte === BACKSLASH) {
      this.escaped = true;
    } else if (byte === QUOTE) {
      this.inString = false;
      if (this.capturing === 'key') this.endKey();
    }
  }

  private startCapture(kind: 'key' | 'id'): void {
    this.capturing = kind;
    this.captured = 0;
  }

  private captureByte(byte: number): void {
    if (this.captured < MAX_CAPTURE_BYTES) this.capture[this.captured++] = byte;
  }

  private endKey(): void {
    // The closing quote was captured too.
    const length = this.captured - 1;
    const is = (key: Buffer) =>
      length === key.length && this.capture.compare(key, 0, key.length, 0, length) === 0;
    this.hasResult ||= is(RESULT_KEY);
    this.hasError ||= is(ERROR_KEY);
    this.lastKeyIsId = is(ID_KEY);
    this.capturing = undefined;
  }

  private endId(): void {
    this.idText = this.capture.toString('utf8', 0, this.captured).trim();
    this.capturing = undefined;
    this.lastKeyIsId = false;
  }
}

interface CutPoint {
  at: number;
  /** What closes every container open at that point, innermost first. */
  closers: string;
}

/**
 * The beginning of a JSON document made whole: cut inside a string value, the string is closed
 * (never inside an escape or a UTF-8 sequence); otherwise it is cut after the last complete value.
 * Then every open container is closed. Undefined when nothing complete is left, or when it nests
 * deeper than MAX_DEPTH.
 */
export function closeCutJson(head: Buffer): string | undefined {
  const stack: number[] = [];
  const expectKey: boolean[] = [];
  let inString = false;
  let stringIsKey = false;
  let escapeAt = -1;
  let unicodeDigits = 0;
  let lastComplete: CutPoint | undefined;
  const closers = () =>
    stack
      .map((open) => (open === OPEN_OBJECT ? '}' : ']'))
      .reverse()
      .join('');

  for (let i = 0; i < head.length; i++) {
    const byte = head[i];
    if (inString) {
      if (unicodeDigits > 0) {
        unicodeDigits -= 1;
        if (unicodeDigits === 0) escapeAt = -1;
      } else if (escapeAt >= 0) {
        if (byte === 0x75) unicodeDigits = 4;
        else escapeAt = -1;
      } else if (byte === BACKSLASH) {
        escapeAt = i;
      } else if (byte === QUOTE) {
        inString = false;
        if (!stringIsKey) lastComplete = { at: i + 1, closers: closers() };
      }
      continue;
    }
    if (byte === QUOTE) {
      inString = true;
      stringIsKey = expectKey.at(-1) === true;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      if (stack.length === MAX_DEPTH) return undefined;
      stack.push(byte);
      expectKey.push(byte === OPEN_OBJECT);
      lastComplete = { at: i + 1, closers: closers() };
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      stack.pop();
      expectKey.pop();
      lastComplete = { at: i + 1, closers: closers() };
    } else if (byte === COMMA) {
      lastComplete = { at: i, closers: closers() };
      if (stack.at(-1) === OPEN_OBJECT) expectKey[expectKey.length - 1] = true;
    } else if (byte === COLON) {
      expectKey[expectKey.length - 1] = false;
    }
  }
  if (inString && !stringIsKey) {
    const at = withinString(head, escapeAt >= 0 ? escapeAt : head.length);
    return `${head.toString('utf8', 0, at)}"${closers()}`;
  }
  if (!lastComplete || lastComplete.at === 0) return undefined;
  return `${head.toString('utf8', 0, lastComplete.at)}${lastComplete.closers}`;
}

/** Backs `at` off to the start of a UTF-8 sequence the cut would split. */
function withinString(head: Buffer, at: number): number {
  let lead = at;
  while (lead > 0 && (head[lead - 1] & 0xc0) === 0x80) lead -= 1; // 10xxxxxx: a continuation
  if (lead === 0 || head[lead - 1] < 0xc0) return at; // ASCII: nothing is split
  const first = head[lead - 1];
  const length = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : 2;
  return at - (lead - 1) >= length ? at : lead - 1;
}

import {
  CUES,
  CUE_LEXICON,
  FILE_EXTENSIONS,
  GENERIC_DETERMINERS,
  GREETING_FILLER,
  OWNED_DETERMINERS,
  PLACE_WORDS,
  type Cue,
} from './cue-lexicon.js';
import {
  FNV_OFFSET,
  fnvStep,
  foldChar,
  isAlphanumeric,
  pairHash,
  phraseKey,
  wordHashes,
} from './text-hash.js';
import type { Route } from './routing.types.js';

/** Countable facts about a message that rules, dense features and reasons are built from. */
export interface MessageSignals {
  chars: number;
  words: number;
  questionMarks: number;
  newlines: number;
  codeFences: number;
  codeChars: number;
  fileRefs: number;
  pathRefs: number;
  numbers: number;
  quotes: number;
  letters: number;
  nonLatinLetters: number;
  /** Characters that follow the first colon, -1 without a colon. */
  charsAfterColon: number;
  greetingWords: number;
  /** Place nouns led by "my", "the", "this"… (on disk) or by "a", "any"… (the concept). */
  ownedPlaces: number;
  genericPlaces: number;
  cues: Record<Cue, number>;
  hasHistory: boolean;
  followUp: boolean;
  lastRoute: Route | undefined;
}

export function refersToWorkspace(s: MessageSignals): boolean {
  return s.fileRefs + s.pathRefs + s.cues.fsNoun > 0;
}

/** A named file or path, or a place on disk such as "my notes" or "the repo". */
export function namesWorkspace(s: MessageSignals): boolean {
  return s.fileRefs + s.pathRefs + s.ownedPlaces > 0;
}

/** One look-up or change on the workspace, with no wording that spreads it over many files. */
export function isSingleWorkspaceAction(s: MessageSignals): boolean {
  const spread = s.cues.scopeAll + s.cues.gather + s.cues.multiStep;
  return refersToWorkspace(s) && s.cues.lookup + s.cues.fsWrite > 0 && spread === 0;
}

export function actionCount(s: MessageSignals): number {
  return s.cues.lookup + s.cues.fsWrite + s.cues.produce + s.cues.gather;
}

export function hasPastedBody(s: MessageSignals): boolean {
  return s.codeFences > 0 || s.newlines >= 2 || s.charsAfterColon >= 80;
}

export function isGreetingOnly(s: MessageSignals): boolean {
  return s.cues.greeting > 0 && s.words <= 10 && s.greetingWords === s.words;
}

/** Human-readable names of the cues that fired, most route-relevant first. */
export function describeSignals(s: MessageSignals): string[] {
  const notes: string[] = [];
  if (s.fileRefs + s.pathRefs > 0) notes.push('file/path reference');
  if (s.cues.multiStep > 0) notes.push('multi-step wording');
  if (s.cues.gather + s.cues.scopeAll > 0) notes.push('gather/scope wording');
  if (s.cues.artifact > 0) notes.push('produces an artifact');
  if (s.cues.lookup + s.cues.fsWrite > 0) notes.push('file action verb');
  if (hasPastedBody(s)) notes.push('pasted content');
  if (s.cues.code > 0) notes.push('code request');
  if (s.cues.writing + s.cues.explain > 0) notes.push('writing/explanation wording');
  if (s.cues.quickFact + s.cues.translate + s.cues.unit > 0) notes.push('quick fact wording');
  if (s.followUp && s.lastRoute) notes.push(`follow-up to ${s.lastRoute}`);
  return notes;
}

export function emptySignals(): MessageSignals {
  const cues = Object.fromEntries(CUES.map((cue) => [cue, 0])) as Record<Cue, number>;
  return resetSignals({ cues } as MessageSignals, 0);
}

export function resetSignals(s: MessageSignals, chars: number): MessageSignals {
  s.chars = chars;
  s.words = 0;
  s.questionMarks = 0;
  s.newlines = 0;
  s.codeFences = 0;
  s.codeChars = 0;
  s.fileRefs = 0;
  s.pathRefs = 0;
  s.numbers = 0;
  s.quotes = 0;
  s.letters = 0;
  s.nonLatinLetters = 0;
  s.charsAfterColon = -1;
  s.greetingWords = 0;
  s.ownedPlaces = 0;
  s.genericPlaces = 0;
  for (const cue of CUES) s.cues[cue] = 0;
  s.hasHistory = false;
  s.followUp = false;
  s.lastRoute = undefined;
  return s;
}

// ---- lexicon lookups -----------------------------------------------------------------------

const FILTER_MASK = 0xffff;
// Adjectives may sit between determiner and noun: "the http client config".
const DETERMINER_REACH = 3;

interface Lexicon {
  /** Phrase key → bit set of cue indexes. */
  cuesByKey: Map<number, number>;
  /** Cheap pre-check so most words skip the map lookup. */
  filter: Uint8Array;
  greetingWords: Set<number>;
  extensions: Set<number>;
  places: Set<number>;
  ownedDeterminers: Set<number>;
  genericDeterminers: Set<number>;
}

function buildLexicon(): Lexicon {
  const cuesByKey = new Map<number, number>();
  const filter = new Uint8Array(FILTER_MASK + 1);
  CUES.forEach((cue, index) => {
    for (const phrase of CUE_LEXICON[cue]) {
      const key = phraseKey(wordHashes(phrase));
      cuesByKey.set(key, (cuesByKey.get(key) ?? 0) | (1 << index));
      filter[key & FILTER_MASK] = 1;
    }
  });
  const wordSet = (words: readonly string[]): Set<number> => new Set(words.flatMap(wordHashes));
  return {
    cuesByKey,
    filter,
    greetingWords: wordSet([...CUE_LEXICON.greeting, ...GREETING_FILLER]),
    extensions: wordSet(FILE_EXTENSIONS),
    places: wordSet(PLACE_WORDS),
    ownedDeterminers: wordSet(OWNED_DETERMINERS),
    genericDeterminers: wordSet(GENERIC_DETERMINERS),
  };
}

const LEXICON = buildLexicon();

/** Counts cue phrases (uni-, bi- and trigrams), greeting words and determiner-led places. */
export function matchLexicon(words: Int32Array, count: number, s: MessageSignals): void {
  const checkGreeting = count <= 10;
  let previous = 0;
  let bigram = 0;
  for (let i = 0; i < count; i++) {
    const word = words[i];
    if (checkGreeting && LEXICON.greetingWords.has(word)) s.greetingWords++;
    countCues(word, s);
    if (LEXICON.places.has(word)) countPlace(words, i, s);
    if (i >= 1) {
      const trigram = i >= 2 ? pairHash(bigram, word) : 0;
      bigram = pairHash(previous, word);
      countCues(bigram, s);
      if (i >= 2) countCues(trigram, s);
    }
    previous = word;
  }
}

function countPlace(words: Int32Array, index: number, s: MessageSignals): void {
  for (let j = index - 1; j >= 0 && j >= index - DETERMINER_REACH; j--) {
    if (LEXICON.ownedDeterminers.has(words[j])) {
      s.ownedPlaces++;
      return;
    }
    if (LEXICON.genericDeterminers.has(words[j])) {
      s.genericPlaces++;
      return;
    }
  }
}

function countCues(key: number, s: MessageSignals): void {
  if (LEXICON.filter[key & FILTER_MASK] === 0) return;
  let mask = LEXICON.cuesByKey.get(key) ?? 0;
  while (mask !== 0) {
    const index = 31 - Math.clz32(mask);
    s.cues[CUES[index]]++;
    mask &= ~(1 << index);
  }
}

// ---- punctuation and file references -------------------------------------------------------

const SPACE = 32;
const SLASH = 47;
const BACKSLASH = 92;
const DOT = 46;
const TILDE = 126;
const BACKTICK = 96;
const PLAIN = 0;
const CODE_SYMBOL = 1;
const QUOTE = 2;
// Lookup table instead of Sets: this runs for every character of the message.
const SYMBOL_KINDS = (() => {
  const kinds = new Uint8Array(0x2020);
  for (const char of '{}();=<>[]') kinds[char.charCodeAt(0)] = CODE_SYMBOL;
  for (const char of '"“”«»„') kinds[char.charCodeAt(0)] = QUOTE;
  return kinds;
})();

function symbolKind(code: number): number {
  return code < SYMBOL_KINDS.length ? SYMBOL_KINDS[code] : PLAIN;
}

function isWhitespace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13;
}

/** Punctuation-level signals and file/path references, one whitespace-separated chunk at a time. */
export function scanSymbols(text: string, s: MessageSignals): void {
  let chunkStart = 0;
  let chunkMayBePath = false;
  let backticks = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : SPACE;
    if (code === DOT || code === SLASH || code === BACKSLASH) chunkMayBePath = true;
    if (code === BACKTICK) {
      backticks++;
      if (backticks === 3) s.codeFences++;
    } else backticks = 0;
    if (code === 63) s.questionMarks++;
    else if (code === 10) s.newlines++;
    else if (code === 58 && s.charsAfterColon < 0) s.charsAfterColon = text.length - i - 1;
    else {
      const kind = symbolKind(code);
      if (kind === CODE_SYMBOL) s.codeChars++;
      else if (kind === QUOTE || (code === 39 && i === chunkStart)) s.quotes++;
    }
    if (isWhitespace(code)) {
      if (chunkMayBePath) classifyChunk(text, chunkStart, i, s);
      chunkStart = i + 1;
      chunkMayBePath = false;
    }
  }
}

/** Counts a chunk as a file reference (known extension) and/or a path (slash-separated name). */
function classifyChunk(text: string, start: number, end: number, s: MessageSignals): void {
  let slashes = 0;
  let runBeforeFirstSlash = 0;
  let runAfterFirstSlash = 0;
  let run = 0;
  let endsWithSlash = false;
  let hasUpper = false;
  let extensionHash = FNV_OFFSET;
  let extensionLength = -1;
  let previous = SPACE;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === SLASH || code === BACKSLASH) {
      if (slashes === 0) runBeforeFirstSlash = run;
      slashes++;
      run = 0;
      endsWithSlash = true;
      extensionLength = -1;
    } else if (code === DOT && startsExtension(text, i, start, end, previous)) {
      extensionHash = FNV_OFFSET;
      extensionLength = 0;
      run = 0;
    } else if (isAlphanumeric(code)) {
      run++;
      if (slashes === 1) runAfterFirstSlash = run;
      endsWithSlash = false;
      if (code >= 65 && code <= 90) hasUpper = true;
      if (extensionLength >= 0) {
        extensionHash = fnvStep(extensionHash, foldChar(code));
        extensionLength++;
      }
    } else if (extensionLength > 0) {
      break;
    }
    previous = code;
  }
  const hasExtension =
    extensionLength > 0 && extensionLength <= 12 && LEXICON.extensions.has(extensionHash);
  if (hasExtension) s.fileRefs++;
  if (slashes === 0) return;
  const first = text.charCodeAt(start);
  const anchored = first === SLASH || first === TILDE || first === DOT;
  // "src/app" is a path, "TCP/IP" and "km/h" are not.
  const plainPair = !hasUpper && runBeforeFirstSlash >= 2 && runAfterFirstSlash >= 2;
  if (hasExtension || anchored || endsWithSlash || slashes >= 2 || plainPair) s.pathRefs++;
}

/** A dot after a name (or opening a dotfile) and followed by a name character. */
function startsExtension(
  text: string,
  index: number,
  start: number,
  end: number,
  previous: number,
): boolean {
  const followedByName = index + 1 < end && isAlphanumeric(text.charCodeAt(index + 1));
  return followedByName && (index === start || isAlphanumeric(previous));
}

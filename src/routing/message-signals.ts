import {
  CUES,
  CUE_LEXICON,
  DOTFILES,
  FILE_EXTENSIONS,
  GENERIC_DETERMINERS,
  GREETING_FILLER,
  OWNED_DETERMINERS,
  PLACE_WORDS,
  VAGUE_WORDS,
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
  /**
   * The instruction: the characters and words before the first line break or colon that opens a
   * body (pasted text, a file's content), or the whole message when there is none.
   */
  headChars: number;
  headWords: number;
  /** Cues and file or path references within the instruction alone. */
  headCues: Record<Cue, number>;
  headFileRefs: number;
  greetingWords: number;
  /** Words of VAGUE_WORDS, counted in messages of at most three words. */
  vagueWords: number;
  /** Place nouns led by "my", "the", "this"… (on disk) or by "a", "any"… (the concept). */
  ownedPlaces: number;
  genericPlaces: number;
  cues: Record<Cue, number>;
  /** The message continues the conversation (needs_history). */
  followUp: boolean;
  /**
   * On a follow-up, the kind of work the previous request asked for, judged from its text (never
   * from the route label stored with it), and whether the previous answer names files or paths.
   */
  previous: Route | undefined;
  /** The previous request's kind was decided by a rule or with high confidence. */
  previousSure: boolean;
  previousAnswerFiles: boolean;
}

export function refersToWorkspace(s: MessageSignals): boolean {
  return s.fileRefs + s.pathRefs + s.cues.fsNoun > 0;
}

/** The instruction (not the pasted body) names a file, a path or a place on disk. */
export function headRefersToWorkspace(s: MessageSignals): boolean {
  return s.headFileRefs + s.headCues.fsNoun > 0;
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

/**
 * The instruction asks to write given content into a named file: "create notes.md with exactly
 * this content: …", "save the following as todo.txt: …". The content may say anything.
 */
export function isWriteOfGivenContent(s: MessageSignals): boolean {
  const h = s.headCues;
  const names = s.headFileRefs > 0 || h.namedFile > 0;
  const writes = h.fsWrite + h.produce > 0;
  const spread = h.gather + h.scopeAll + h.multiStep + h.lookup;
  return names && writes && spread === 0 && s.headWords <= 20;
}

/**
 * The text after the instruction reads as further instructions about the workspace ("inventory
 * the assets folder: list every image … and write it to assets/inventory.csv"), not as pasted
 * material to work on.
 */
export function bodyIsWorkspaceInstructions(s: MessageSignals): boolean {
  if (s.codeFences > 0) return false;
  const body = (cue: Cue): number => s.cues[cue] - s.headCues[cue];
  const bodyFiles = s.fileRefs + s.pathRefs - s.headFileRefs;
  const bodyActions = body('lookup') + body('fsWrite') + body('gather') + body('overhaul');
  const bodyWorkspace = bodyFiles + body('fsNoun') > 0;
  return bodyWorkspace && bodyActions > 0 && (body('multiStep') > 0 || bodyActions >= 2);
}

/** Words that ask for work of their own (rather than leaning on an earlier request). */
export function intentCount(s: MessageSignals): number {
  const c = s.cues;
  return (
    c.lookup +
    c.fsWrite +
    c.produce +
    c.gather +
    c.writing +
    c.explain +
    c.code +
    c.artifact +
    c.multiStep
  );
}

/** A short fragment with no request of its own: "and Uruguay?", "cubed?", "the newest one". */
export function isElliptical(s: MessageSignals): boolean {
  return s.words <= 5 && intentCount(s) === 0 && !hasPastedBody(s) && s.fileRefs + s.pathRefs === 0;
}

/** A short yes to a proposal: "yes please", "sure, go ahead", "yeah why not". */
export function isShortConfirmation(s: MessageSignals): boolean {
  return s.cues.confirm > 0 && s.words <= 6 && s.fileRefs + s.pathRefs === 0 && !hasPastedBody(s);
}

export function isGreetingOnly(s: MessageSignals): boolean {
  return s.cues.greeting > 0 && s.words <= 10 && s.greetingWords === s.words;
}

/** At most three words, none of them specific: "the thing", "why", "is it good". */
export function isVague(s: MessageSignals): boolean {
  return (
    s.words > 0 &&
    s.words <= VAGUE_MAX_WORDS &&
    s.vagueWords === s.words &&
    s.fileRefs + s.pathRefs === 0 &&
    !isGreetingOnly(s)
  );
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
  if (s.followUp && s.previous) notes.push(`follow-up to ${s.previous} work`);
  return notes;
}

export function emptySignals(): MessageSignals {
  const zeroCues = (): Record<Cue, number> =>
    Object.fromEntries(CUES.map((cue) => [cue, 0])) as Record<Cue, number>;
  return resetSignals({ cues: zeroCues(), headCues: zeroCues() } as MessageSignals, 0);
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
  s.headChars = chars;
  s.headWords = 0;
  s.headFileRefs = 0;
  s.greetingWords = 0;
  s.vagueWords = 0;
  s.ownedPlaces = 0;
  s.genericPlaces = 0;
  for (const cue of CUES) {
    s.cues[cue] = 0;
    s.headCues[cue] = 0;
  }
  s.followUp = false;
  s.previous = undefined;
  s.previousSure = false;
  s.previousAnswerFiles = false;
  return s;
}

// ---- lexicon lookups -----------------------------------------------------------------------

const FILTER_MASK = 0xffff;
const VAGUE_MAX_WORDS = 3;
// Adjectives may sit between determiner and noun: "the http client config".
const DETERMINER_REACH = 3;

interface Lexicon {
  /** Phrase key → bit set of cue indexes. */
  cuesByKey: Map<number, number>;
  /** Cheap pre-check so most words skip the map lookup. */
  filter: Uint8Array;
  greetingWords: Set<number>;
  vagueWords: Set<number>;
  extensions: Set<number>;
  dotfiles: Set<number>;
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
    vagueWords: wordSet(VAGUE_WORDS),
    extensions: wordSet(FILE_EXTENSIONS),
    dotfiles: wordSet(DOTFILES),
    places: wordSet(PLACE_WORDS),
    ownedDeterminers: wordSet(OWNED_DETERMINERS),
    genericDeterminers: wordSet(GENERIC_DETERMINERS),
  };
}

const LEXICON = buildLexicon();

/** Counts cue phrases (uni-, bi- and trigrams), greeting words and determiner-led places. */
export function matchLexicon(words: Int32Array, count: number, s: MessageSignals): void {
  const checkGreeting = count <= 10;
  const checkVague = count <= VAGUE_MAX_WORDS;
  let previous = 0;
  let bigram = 0;
  for (let i = 0; i < count; i++) {
    const word = words[i];
    const head = i < s.headWords;
    if (checkGreeting && LEXICON.greetingWords.has(word)) s.greetingWords++;
    if (checkVague && LEXICON.vagueWords.has(word)) s.vagueWords++;
    countCues(word, s, head);
    if (LEXICON.places.has(word)) countPlace(words, i, s);
    if (i >= 1) {
      const trigram = i >= 2 ? pairHash(bigram, word) : 0;
      bigram = pairHash(previous, word);
      countCues(bigram, s, head);
      if (i >= 2) countCues(trigram, s, head);
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

function countCues(key: number, s: MessageSignals, head: boolean): void {
  if (LEXICON.filter[key & FILTER_MASK] === 0) return;
  let mask = LEXICON.cuesByKey.get(key) ?? 0;
  while (mask !== 0) {
    const index = 31 - Math.clz32(mask);
    s.cues[CUES[index]]++;
    if (head) s.headCues[CUES[index]]++;
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
const NEWLINE = 10;
const QUESTION_MARK = 63;
const COLON = 58;
const APOSTROPHE = 39;
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
  // Counters live in locals while scanning (this loop runs for every character).
  let chunkStart = 0;
  let chunkMayBePath = false;
  let backticks = 0;
  let codeFences = 0;
  let questionMarks = 0;
  let newlines = 0;
  let codeChars = 0;
  let quotes = 0;
  let charsAfterColon = -1;
  const length = text.length;
  for (let i = 0; i <= length; i++) {
    const code = i < length ? text.charCodeAt(i) : SPACE;
    if (code === BACKTICK) {
      if (++backticks === 3) codeFences++;
      continue;
    }
    backticks = 0;
    if (code <= SPACE) {
      if (code === NEWLINE) newlines++;
      if (isWhitespace(code)) {
        if (chunkMayBePath) classifyChunk(text, chunkStart, i, s);
        chunkStart = i + 1;
        chunkMayBePath = false;
      }
      continue;
    }
    if (code === DOT || code === SLASH || code === BACKSLASH) chunkMayBePath = true;
    else if (code === QUESTION_MARK) questionMarks++;
    else if (code === COLON) {
      if (charsAfterColon < 0) charsAfterColon = length - i - 1;
    } else {
      const kind = symbolKind(code);
      if (kind === CODE_SYMBOL) codeChars++;
      else if (kind === QUOTE || (code === APOSTROPHE && i === chunkStart)) quotes++;
    }
  }
  s.codeFences += codeFences;
  s.questionMarks += questionMarks;
  s.newlines += newlines;
  s.codeChars += codeChars;
  s.quotes += quotes;
  if (s.charsAfterColon < 0) s.charsAfterColon = charsAfterColon;
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
  let extensionStart = -1;
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
      extensionStart = i;
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
  // ".env" is a file; ".md" on its own is a kind of file.
  const bareExtension = extensionStart === start && slashes === 0;
  const hasExtension =
    extensionLength > 0 &&
    extensionLength <= 12 &&
    (bareExtension ? LEXICON.dotfiles : LEXICON.extensions).has(extensionHash);
  const inHead = start < s.headChars;
  if (hasExtension) {
    s.fileRefs++;
    if (inHead) s.headFileRefs++;
  }
  if (slashes === 0) return;
  const first = text.charCodeAt(start);
  const anchored = first === SLASH || first === TILDE || first === DOT;
  // "src/app" is a path, "TCP/IP" and "km/h" are not.
  const plainPair = !hasUpper && runBeforeFirstSlash >= 2 && runAfterFirstSlash >= 2;
  if (hasExtension || anchored || endsWithSlash || slashes >= 2 || plainPair) {
    s.pathRefs++;
    if (inHead && !hasExtension) s.headFileRefs++;
  }
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

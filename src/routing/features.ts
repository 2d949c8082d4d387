import {
  CUES,
  CUE_LEXICON,
  FILE_EXTENSIONS,
  GENERIC_DETERMINERS,
  GREETING_FILLER,
  OWNED_DETERMINERS,
  PLACE_WORDS,
  VAGUE_WORDS,
} from './cue-lexicon.js';
import {
  actionCount,
  bodyIsWorkspaceInstructions,
  emptySignals,
  hasPastedBody,
  headRefersToWorkspace,
  intentCount,
  isElliptical,
  isGreetingOnly,
  isSingleWorkspaceAction,
  isVague,
  isWriteOfGivenContent,
  matchLexicon,
  namesWorkspace,
  refersToWorkspace,
  resetSignals,
  scanSymbols,
  type MessageSignals,
} from './message-signals.js';
import { ROUTES, type Route } from './routing.types.js';
import {
  FNV_OFFSET,
  JOINER,
  SEPARATOR,
  fnvStep,
  foldChar,
  hashString,
  mix,
  pairHash,
} from './text-hash.js';

const HASH_BITS = 14;
const HASH_BUCKETS = 1 << HASH_BITS;
const HASH_MASK = HASH_BUCKETS - 1;
// A request is stated at the start of a long message and sometimes repeated at its end;
// the middle is pasted material that adds cost but little signal.
const HEAD_CHARS = 1000;
const TAIL_CHARS = 200;
/** Character grams come from the start only; word grams and symbols cover head and tail. */
const CHAR_GRAM_CHARS = 500;
/** An instruction ends at a line break or a colon followed by white space, after this many words. */
const MIN_HEAD_WORDS = 3;
const MAX_WORDS = 1024;
const VECTOR_CAPACITY = 8192;
/** Total weight of the dense-pair family, relative to 1 for each gram family. */
const PAIR_WEIGHT = 2;

/** Sparse feature vector; hashed grams use indices below HASH_BUCKETS, dense features follow. */
export interface FeatureVector {
  indices: Int32Array;
  values: Float32Array;
  size: number;
}

export interface Featurised {
  vector: FeatureVector;
  signals: MessageSignals;
}

/** What the conversation adds to a message: set only when the message continues it. */
export interface FollowUpContext {
  followUp: boolean;
  /** The kind of work the previous request asked for, judged from its text. */
  previous: Route | undefined;
  /** That judgement came from a rule or a confident classifier. */
  previousSure: boolean;
  previousAnswerFiles: boolean;
}

export const STANDALONE: FollowUpContext = {
  followUp: false,
  previous: undefined,
  previousSure: false,
  previousAnswerFiles: false,
};

interface DenseFeature {
  name: string;
  value: (signals: MessageSignals) => boolean;
}

const DENSE_FEATURES: readonly DenseFeature[] = [
  { name: 'bias', value: () => true },
  { name: 'chars<=12', value: (s) => s.chars <= 12 },
  { name: 'chars<=40', value: (s) => s.chars > 12 && s.chars <= 40 },
  { name: 'chars<=120', value: (s) => s.chars > 40 && s.chars <= 120 },
  { name: 'chars<=400', value: (s) => s.chars > 120 && s.chars <= 400 },
  { name: 'chars>400', value: (s) => s.chars > 400 },
  { name: 'words<=3', value: (s) => s.words <= 3 },
  { name: 'question', value: (s) => s.questionMarks > 0 },
  { name: 'multiline', value: (s) => s.newlines >= 2 },
  { name: 'codeFence', value: (s) => s.codeFences > 0 },
  { name: 'codeDense', value: (s) => s.codeChars >= 6 && s.codeChars * 30 > s.chars },
  { name: 'fileRef', value: (s) => s.fileRefs > 0 },
  { name: 'ownedPlace', value: (s) => s.ownedPlaces > 0 },
  { name: 'genericPlace', value: (s) => s.genericPlaces > 0 },
  { name: 'conceptualPlace', value: (s) => s.genericPlaces > 0 && !namesWorkspace(s) },
  { name: 'shortWorkspaceQuestion', value: (s) => s.words <= 12 && namesWorkspace(s) },
  { name: 'pathRef', value: (s) => s.pathRefs > 0 },
  { name: 'number', value: (s) => s.numbers > 0 },
  { name: 'quoted', value: (s) => s.quotes > 0 },
  { name: 'nonLatin', value: (s) => s.nonLatinLetters * 10 > s.letters },
  ...CUES.map((cue): DenseFeature => ({ name: `cue:${cue}`, value: (s) => s.cues[cue] > 0 })),
  {
    name: 'workspaceAction',
    value: (s) => refersToWorkspace(s) && s.cues.lookup + s.cues.fsWrite > 0,
  },
  {
    name: 'workspaceGather',
    value: (s) => refersToWorkspace(s) && s.cues.gather + s.cues.scopeAll > 0,
  },
  { name: 'workspaceArtifact', value: (s) => refersToWorkspace(s) && s.cues.artifact > 0 },
  { name: 'singleWorkspaceAction', value: isSingleWorkspaceAction },
  {
    name: 'workspaceBulkChange',
    value: (s) =>
      refersToWorkspace(s) && s.cues.scopeAll > 0 && s.cues.produce + s.cues.fsWrite > 0,
  },
  { name: 'workspaceMultiStep', value: (s) => refersToWorkspace(s) && s.cues.multiStep > 0 },
  { name: 'workspaceOverhaul', value: (s) => s.cues.overhaul > 0 && refersToWorkspace(s) },
  { name: 'fileRefs>=2', value: (s) => s.fileRefs + s.pathRefs >= 2 },
  {
    name: 'namedFileWrite',
    value: (s) => s.fileRefs + s.pathRefs > 0 && s.cues.fsWrite + s.cues.writing > 0,
  },
  { name: 'pastedOnly', value: (s) => hasPastedBody(s) && s.fileRefs + s.pathRefs === 0 },
  { name: 'bodyInstructions', value: bodyIsWorkspaceInstructions },
  { name: 'headWorkspace', value: headRefersToWorkspace },
  {
    name: 'headFileAction',
    value: (s) => headRefersToWorkspace(s) && s.headCues.lookup + s.headCues.fsWrite > 0,
  },
  { name: 'bodyForFile', value: (s) => hasPastedBody(s) && isWriteOfGivenContent(s) },
  {
    // "write a haiku about spring and save it to poems/spring.txt": one write of new text.
    name: 'oneWriteOfNewText',
    value: (s) =>
      s.fileRefs === 1 &&
      s.cues.fsWrite > 0 &&
      s.cues.writing + s.cues.produce > 0 &&
      s.cues.gather + s.cues.scopeAll + s.cues.lookup + s.cues.artifact === 0 &&
      s.words <= 25 &&
      !hasPastedBody(s),
  },
  { name: 'actions>=2', value: (s) => actionCount(s) >= 2 },
  { name: 'actions>=3', value: (s) => actionCount(s) >= 3 },
  { name: 'shortFact', value: (s) => s.words <= 10 && s.cues.quickFact + s.cues.translate > 0 },
  { name: 'brief', value: (s) => s.cues.brevity > 0 && !hasPastedBody(s) },
  { name: 'numberWithUnit', value: (s) => s.numbers > 0 && s.cues.unit > 0 },
  { name: 'pastedBody', value: hasPastedBody },
  { name: 'greetingOnly', value: isGreetingOnly },
  { name: 'greetingAndTask', value: (s) => s.cues.greeting > 0 && intentCount(s) > 0 },
  { name: 'elliptical', value: isElliptical },
  { name: 'vague', value: isVague },
  { name: 'followUp', value: (s) => s.followUp },
  { name: 'followUp:elliptical', value: (s) => s.followUp && isElliptical(s) },
  {
    name: 'followUp:previousAnswerFiles',
    value: (s) => s.followUp && s.previousAnswerFiles,
  },
  ...ROUTES.map(
    (route): DenseFeature => ({
      name: `followUp:previous:${route}`,
      value: (s) => s.followUp && s.previous === route,
    }),
  ),
];

export const FEATURE_DIMS = HASH_BUCKETS + DENSE_FEATURES.length;

/** Changes whenever the meaning of a feature index changes; stored with trained weights. */
export const FEATURE_SCHEMA = hashString(
  JSON.stringify({
    HASH_BITS,
    HEAD_CHARS,
    TAIL_CHARS,
    CHAR_GRAM_CHARS,
    MIN_HEAD_WORDS,
    PAIR_WEIGHT,
    dense: DENSE_FEATURES.map((feature) => feature.name),
    CUE_LEXICON,
    GREETING_FILLER,
    FILE_EXTENSIONS,
    PLACE_WORDS,
    OWNED_DETERMINERS,
    GENERIC_DETERMINERS,
    VAGUE_WORDS,
  }),
);

const SALT_UNIGRAM = 0x2545f491;
const SALT_BIGRAM = 0x5bd1e995;
const SALT_TRIGRAM_CHARS = 0x27d4eb2f;
const SALT_FOURGRAM_CHARS = 0x165667b1;
const SALT_PAIR = 0x4cf5ad43;
const MESSAGE_BOUNDARY = 0x3c3e3c3e;
const SPACE = 32;
const NEWLINE = 10;
const COLON = 58;

/**
 * Turns a message into the classifier's sparse vector. Each instance owns its buffers, which the
 * next call overwrites: the router keeps one per level of follow-up it looks back through.
 */
export class Featuriser {
  private readonly vector: FeatureVector = {
    indices: new Int32Array(VECTOR_CAPACITY),
    values: new Float32Array(VECTOR_CAPACITY),
    size: 0,
  };
  // Word grams are collected apart from char grams so each family can be weighted with one fill.
  private readonly wordGrams = new Int32Array(VECTOR_CAPACITY);
  private readonly words = new Int32Array(MAX_WORDS);
  private readonly activeDense = new Int32Array(DENSE_FEATURES.length);
  private readonly signals = emptySignals();
  private activeCount = 0;

  /** Grams and signals of the message on its own; `complete` adds what the conversation says. */
  analyse(message: string): MessageSignals {
    const text = boundedText(message);
    const signals = resetSignals(this.signals, message.trim().length);
    this.vector.size = 0;
    const wordGramCount = scanWords(text, this.vector, this.wordGrams, this.words, signals);
    appendWordGrams(this.vector, this.wordGrams, wordGramCount);
    scanSymbols(text, signals);
    matchLexicon(this.words, Math.min(signals.words, MAX_WORDS), signals);
    return signals;
  }

  /** The full vector of the message last analysed, given its conversation context. */
  complete(context: FollowUpContext): Featurised {
    const signals = this.signals;
    signals.followUp = context.followUp;
    signals.previous = context.followUp ? context.previous : undefined;
    signals.previousSure = context.followUp && context.previousSure;
    signals.previousAnswerFiles = context.followUp && context.previousAnswerFiles;
    this.activeCount = appendDenseFeatures(this.vector, this.activeDense, signals);
    appendDensePairs(this.vector, this.activeDense, this.activeCount);
    return { vector: this.vector, signals };
  }

  /** Names of the dense features of the last completed vector (no text: safe to log). */
  activeFeatureNames(): string[] {
    return Array.from(
      this.activeDense.subarray(1, this.activeCount),
      (i) => DENSE_FEATURES[i].name,
    );
  }
}

function boundedText(message: string): string {
  if (message.length <= HEAD_CHARS + TAIL_CHARS) return message;
  return `${message.slice(0, HEAD_CHARS)}\n${message.slice(-TAIL_CHARS)}`;
}

function bucket(hash: number, salt: number): number {
  return mix(hash ^ salt) & HASH_MASK;
}

/**
 * One pass over the folded text: character 3- and 4-grams of its start go into the vector, word
 * unigrams and bigrams into wordGrams (their count is returned) and word hashes into `words`; the
 * end of the instruction is noted in the signals. All are hashed from char codes, so no substring
 * is ever allocated.
 */
function scanWords(
  text: string,
  vector: FeatureVector,
  wordGrams: Int32Array,
  words: Int32Array,
  s: MessageSignals,
): number {
  // Counters live in locals while scanning (this loop runs for every character).
  let wordGramCount = 0;
  let wordCount = 0;
  let letters = 0;
  let nonLatinLetters = 0;
  let numbers = 0;
  let wordHash = FNV_OFFSET;
  let wordLength = 0;
  let wordHasDigit = false;
  let previousWord = MESSAGE_BOUNDARY;
  let headFound = false;
  // The character stream starts and ends with a space so word edges form their own grams.
  let c1 = SPACE;
  let c2 = 0;
  let c3 = 0;
  let streamLength = 1;
  let charGrams = vector.size;
  const indices = vector.indices;
  const length = text.length;
  // Short texts keep the closing space's grams; long ones stop at CHAR_GRAM_CHARS.
  const charGramEnd = length < CHAR_GRAM_CHARS ? length + 1 : CHAR_GRAM_CHARS;

  for (let i = 0; i <= length; i++) {
    const code = i < length ? text.charCodeAt(i) : SPACE;
    const folded = foldChar(code);
    if (folded === JOINER) continue;
    if (folded !== SEPARATOR) {
      wordHash = fnvStep(wordHash, folded);
      wordLength++;
      if (folded <= 57) wordHasDigit = true;
      else {
        letters++;
        if (folded > 0x24f) nonLatinLetters++;
      }
    } else {
      if (wordLength > 0) {
        if (wordCount < MAX_WORDS) words[wordCount] = wordHash;
        wordCount++;
        if (wordHasDigit) numbers++;
        if (wordGramCount < VECTOR_CAPACITY - 1) {
          wordGrams[wordGramCount++] = bucket(wordHash, SALT_UNIGRAM);
          wordGrams[wordGramCount++] = bucket(pairHash(previousWord, wordHash), SALT_BIGRAM);
        }
        previousWord = wordHash;
        wordHash = FNV_OFFSET;
        wordLength = 0;
        wordHasDigit = false;
      }
      if (!headFound && wordCount >= MIN_HEAD_WORDS && opensBody(text, i, code)) {
        headFound = true;
        s.headChars = i;
        s.headWords = wordCount;
      }
    }
    if (i >= charGramEnd) continue;

    const emitted = folded === SEPARATOR ? SPACE : folded;
    if (emitted === SPACE && c1 === SPACE) continue;
    streamLength++;
    if (charGrams < VECTOR_CAPACITY - 1) {
      if (streamLength >= 3) {
        indices[charGrams++] =
          mix(fnvStep(fnvStep(fnvStep(SALT_TRIGRAM_CHARS, c2), c1), emitted)) & HASH_MASK;
      }
      if (streamLength >= 4) {
        indices[charGrams++] =
          mix(fnvStep(fnvStep(fnvStep(fnvStep(SALT_FOURGRAM_CHARS, c3), c2), c1), emitted)) &
          HASH_MASK;
      }
    }
    c3 = c2;
    c2 = c1;
    c1 = emitted;
  }
  vector.size = charGrams;
  s.words = wordCount;
  s.letters = letters;
  s.nonLatinLetters = nonLatinLetters;
  s.numbers = numbers;
  if (!headFound) s.headWords = wordCount;
  if (wordGramCount < VECTOR_CAPACITY) {
    wordGrams[wordGramCount++] = bucket(pairHash(previousWord, MESSAGE_BOUNDARY), SALT_BIGRAM);
  }
  return wordGramCount;
}

/** A line break, or a colon followed by white space, after the instruction's first words. */
function opensBody(text: string, index: number, code: number): boolean {
  if (code === NEWLINE) return true;
  if (code !== COLON) return false;
  const next = index + 1 < text.length ? text.charCodeAt(index + 1) : SPACE;
  return next === SPACE || next === NEWLINE;
}

/**
 * Appends the word grams after the char grams and scales each family to unit length, so long
 * messages do not drown the dense cues.
 */
function appendWordGrams(
  vector: FeatureVector,
  wordGrams: Int32Array,
  wordGramCount: number,
): void {
  const charGramCount = vector.size;
  const count = Math.min(wordGramCount, VECTOR_CAPACITY - charGramCount);
  vector.indices.set(wordGrams.subarray(0, count), charGramCount);
  vector.values.fill(1 / Math.sqrt(Math.max(1, charGramCount)), 0, charGramCount);
  vector.values.fill(1 / Math.sqrt(Math.max(1, count)), charGramCount, charGramCount + count);
  vector.size = charGramCount + count;
}

/** Appends the dense features that hold; returns how many, their indexes in `active`. */
function appendDenseFeatures(vector: FeatureVector, active: Int32Array, s: MessageSignals): number {
  let count = 0;
  for (let i = 0; i < DENSE_FEATURES.length; i++) {
    if (!DENSE_FEATURES[i].value(s) || vector.size === VECTOR_CAPACITY) continue;
    active[count++] = i;
    vector.indices[vector.size] = HASH_BUCKETS + i;
    vector.values[vector.size] = 1;
    vector.size++;
  }
  return count;
}

/**
 * Hashes every pair of co-active dense features into the gram buckets. A linear model cannot
 * combine cues on its own; pairs such as "names a file" + "asks for code" carry the route.
 * The bias (always first) is skipped: its pairs would repeat the single features.
 */
function appendDensePairs(vector: FeatureVector, active: Int32Array, count: number): void {
  const pairs = ((count - 1) * (count - 2)) / 2;
  if (pairs <= 0) return;
  const weight = PAIR_WEIGHT / Math.sqrt(pairs);
  for (let a = 1; a < count; a++) {
    for (let b = a + 1; b < count && vector.size < VECTOR_CAPACITY; b++) {
      vector.indices[vector.size] = bucket(pairHash(active[a], active[b]), SALT_PAIR);
      vector.values[vector.size] = weight;
      vector.size++;
    }
  }
}

import {
  CUES,
  CUE_LEXICON,
  FILE_EXTENSIONS,
  GENERIC_DETERMINERS,
  GREETING_FILLER,
  OWNED_DETERMINERS,
  PLACE_WORDS,
} from './cue-lexicon.js';
import {
  actionCount,
  emptySignals,
  hasPastedBody,
  isGreetingOnly,
  isSingleWorkspaceAction,
  matchLexicon,
  namesWorkspace,
  refersToWorkspace,
  resetSignals,
  scanSymbols,
  type MessageSignals,
} from './message-signals.js';
import { ROUTES, type HistoryTurn, type Route, type RoutingInput } from './routing.types.js';
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
const HEAD_CHARS = 1500;
const TAIL_CHARS = 500;
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
  { name: 'fileRefs>=2', value: (s) => s.fileRefs + s.pathRefs >= 2 },
  {
    name: 'namedFileWrite',
    value: (s) => s.fileRefs + s.pathRefs > 0 && s.cues.fsWrite + s.cues.writing > 0,
  },
  { name: 'pastedOnly', value: (s) => hasPastedBody(s) && s.fileRefs + s.pathRefs === 0 },
  { name: 'actions>=2', value: (s) => actionCount(s) >= 2 },
  { name: 'actions>=3', value: (s) => actionCount(s) >= 3 },
  { name: 'shortFact', value: (s) => s.words <= 10 && s.cues.quickFact + s.cues.translate > 0 },
  { name: 'numberWithUnit', value: (s) => s.numbers > 0 && s.cues.unit > 0 },
  { name: 'pastedBody', value: hasPastedBody },
  { name: 'greetingOnly', value: isGreetingOnly },
  { name: 'hasHistory', value: (s) => s.hasHistory },
  { name: 'followUp', value: (s) => s.followUp },
  ...ROUTES.map(
    (route): DenseFeature => ({ name: `last:${route}`, value: (s) => s.lastRoute === route }),
  ),
  ...ROUTES.map(
    (route): DenseFeature => ({
      name: `followUp:${route}`,
      value: (s) => s.followUp && s.lastRoute === route,
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
    PAIR_WEIGHT,
    dense: DENSE_FEATURES.map((feature) => feature.name),
    CUE_LEXICON,
    GREETING_FILLER,
    FILE_EXTENSIONS,
    PLACE_WORDS,
    OWNED_DETERMINERS,
    GENERIC_DETERMINERS,
  }),
);

const SALT_UNIGRAM = 0x2545f491;
const SALT_BIGRAM = 0x5bd1e995;
const SALT_TRIGRAM_CHARS = 0x27d4eb2f;
const SALT_FOURGRAM_CHARS = 0x165667b1;
const SALT_PAIR = 0x4cf5ad43;
const MESSAGE_BOUNDARY = 0x3c3e3c3e;
const SPACE = 32;

const sharedVector: FeatureVector = {
  indices: new Int32Array(VECTOR_CAPACITY),
  values: new Float32Array(VECTOR_CAPACITY),
  size: 0,
};
// Word grams are collected apart from char grams so each family can be weighted with one fill.
const wordGrams = new Int32Array(VECTOR_CAPACITY);
const words = new Int32Array(MAX_WORDS);
const activeDense = new Int32Array(DENSE_FEATURES.length);
const sharedSignals = emptySignals();

/**
 * Featurises a message. The returned vector and signals are shared buffers that the next call
 * overwrites; copy them to keep them.
 */
export function featurise(input: RoutingInput, followUp: boolean): Featurised {
  const text = boundedText(input.message);
  const signals = resetSignals(sharedSignals, input.message.trim().length);
  signals.hasHistory = input.history.length > 0;
  signals.followUp = followUp;
  signals.lastRoute = lastAssistantRoute(input.history);
  sharedVector.size = 0;
  appendWordGrams(sharedVector, scanWords(text, sharedVector, signals));
  scanSymbols(text, signals);
  matchLexicon(words, Math.min(signals.words, MAX_WORDS), signals);
  appendDensePairs(sharedVector, appendDenseFeatures(sharedVector, signals));
  return { vector: sharedVector, signals };
}

function boundedText(message: string): string {
  if (message.length <= HEAD_CHARS + TAIL_CHARS) return message;
  return `${message.slice(0, HEAD_CHARS)}\n${message.slice(-TAIL_CHARS)}`;
}

function lastAssistantRoute(history: HistoryTurn[]): Route | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const turn = history[i];
    if (turn.role === 'assistant' && turn.route) return turn.route;
  }
  return undefined;
}

function bucket(hash: number, salt: number): number {
  return mix(hash ^ salt) & HASH_MASK;
}

function pushCharGram(vector: FeatureVector, index: number): void {
  if (vector.size < VECTOR_CAPACITY) vector.indices[vector.size++] = index;
}

function pushWordGram(count: number, index: number): number {
  if (count < VECTOR_CAPACITY) wordGrams[count++] = index;
  return count;
}

/**
 * One pass over the folded text: character 3- and 4-grams go into the vector, word unigrams
 * and bigrams into wordGrams (their count is returned) and word hashes into `words`. All are
 * hashed from char codes, so no substring is ever allocated.
 */
function scanWords(text: string, vector: FeatureVector, s: MessageSignals): number {
  let wordGramCount = 0;
  let wordHash = FNV_OFFSET;
  let wordLength = 0;
  let wordHasDigit = false;
  let previousWord = MESSAGE_BOUNDARY;
  // The character stream starts and ends with a space so word edges form their own grams.
  let c1 = SPACE;
  let c2 = 0;
  let c3 = 0;
  let streamLength = 1;

  for (let i = 0; i <= text.length; i++) {
    const folded = i < text.length ? foldChar(text.charCodeAt(i)) : SEPARATOR;
    if (folded === JOINER) continue;
    if (folded !== SEPARATOR) {
      wordHash = fnvStep(wordHash, folded);
      wordLength++;
      if (folded <= 57) wordHasDigit = true;
      else s.letters++;
      if (folded > 0x24f) s.nonLatinLetters++;
    } else if (wordLength > 0) {
      if (s.words < MAX_WORDS) words[s.words] = wordHash;
      s.words++;
      if (wordHasDigit) s.numbers++;
      wordGramCount = pushWordGram(wordGramCount, bucket(wordHash, SALT_UNIGRAM));
      const bigram = bucket(pairHash(previousWord, wordHash), SALT_BIGRAM);
      wordGramCount = pushWordGram(wordGramCount, bigram);
      previousWord = wordHash;
      wordHash = FNV_OFFSET;
      wordLength = 0;
      wordHasDigit = false;
    }

    const emitted = folded === SEPARATOR ? SPACE : folded;
    if (emitted === SPACE && c1 === SPACE) continue;
    streamLength++;
    if (streamLength >= 3) {
      const trigram = fnvStep(fnvStep(fnvStep(SALT_TRIGRAM_CHARS, c2), c1), emitted);
      pushCharGram(vector, mix(trigram) & HASH_MASK);
    }
    if (streamLength >= 4) {
      const fourgram = fnvStep(fnvStep(fnvStep(fnvStep(SALT_FOURGRAM_CHARS, c3), c2), c1), emitted);
      pushCharGram(vector, mix(fourgram) & HASH_MASK);
    }
    c3 = c2;
    c2 = c1;
    c1 = emitted;
  }
  const lastBigram = bucket(pairHash(previousWord, MESSAGE_BOUNDARY), SALT_BIGRAM);
  return pushWordGram(wordGramCount, lastBigram);
}

/**
 * Appends the word grams after the char grams and scales each family to unit length, so long
 * messages do not drown the dense cues.
 */
function appendWordGrams(vector: FeatureVector, wordGramCount: number): void {
  const charGramCount = vector.size;
  const count = Math.min(wordGramCount, VECTOR_CAPACITY - charGramCount);
  vector.indices.set(wordGrams.subarray(0, count), charGramCount);
  vector.values.fill(1 / Math.sqrt(Math.max(1, charGramCount)), 0, charGramCount);
  vector.values.fill(1 / Math.sqrt(Math.max(1, count)), charGramCount, charGramCount + count);
  vector.size = charGramCount + count;
}

/** Appends the dense features that hold; returns how many, their indexes in activeDense. */
function appendDenseFeatures(vector: FeatureVector, s: MessageSignals): number {
  let active = 0;
  for (let i = 0; i < DENSE_FEATURES.length; i++) {
    if (!DENSE_FEATURES[i].value(s) || vector.size === VECTOR_CAPACITY) continue;
    activeDense[active++] = i;
    vector.indices[vector.size] = HASH_BUCKETS + i;
    vector.values[vector.size] = 1;
    vector.size++;
  }
  return active;
}

/**
 * Hashes every pair of co-active dense features into the gram buckets. A linear model cannot
 * combine cues on its own; pairs such as "names a file" + "asks for code" carry the route.
 * The bias (always first) is skipped: its pairs would repeat the single features.
 */
function appendDensePairs(vector: FeatureVector, active: number): void {
  const pairs = ((active - 1) * (active - 2)) / 2;
  if (pairs <= 0) return;
  const weight = PAIR_WEIGHT / Math.sqrt(pairs);
  for (let a = 1; a < active; a++) {
    for (let b = a + 1; b < active && vector.size < VECTOR_CAPACITY; b++) {
      vector.indices[vector.size] = bucket(pairHash(activeDense[a], activeDense[b]), SALT_PAIR);
      vector.values[vector.size] = weight;
      vector.size++;
    }
  }
}

import type { HistoryTurn } from './routing.types.js';

export interface HistoryNeed {
  needsHistory: boolean;
  reason: string;
}

interface HistoryCue {
  reason: string;
  pattern: RegExp;
  /** Only applies to messages of at most this many words. */
  maxWords?: number;
  /** "this" usually points at pasted text in the same message, not at the history. */
  skipWhenPasted?: boolean;
}

// References to earlier turns live at the start of a message; the tail of a long paste is noise.
const SCANNED_CHARS = 300;

const EDIT_VERBS =
  'save|store|translate|explain|summari[sz]e|shorten|rewrite|fix|make|do|send|write|put|convert|' +
  'expand|simplify|repeat|undo|change|open|read|delete|remove|rename|copy|move|show|format|run|' +
  'test|check|apply|append|use|redo|split|turn|add|keep|print|share|compare|describe|list|edit|' +
  'update|improve|finish|publish|export|polish|review|analy[sz]e|refactor|sort|merge';

const EARLIER_ARTIFACTS =
  'code|poem|email|summary|translation|list|plan|report|draft|story|letter|regex|function|' +
  'script|answer|text|query|output|essay|outline|suggestions?|changes|analysis|explanation|' +
  'findings|steps|table|snippet|tone|results';

const POINTED_THINGS =
  'files?|folders?|ones?|lists?|code|functions?|scripts?|poems?|emails?|texts?|drafts?|regex|' +
  'translations?|summary|reports?|plans?|analysis|changes|items|modules|findings|results|' +
  'answers?|words?|parts?|points?|sections?|paragraphs?|examples?|options?|story|letters?';

const CONFIRMATION_WORDS = new Set([
  'yes',
  'yeah',
  'yep',
  'yup',
  'sure',
  'ok',
  'okay',
  'alright',
  'go',
  'ahead',
  'please',
  'pls',
  'do',
  'it',
  'of',
  'course',
  'lets',
]);
const CONFIRMATION_LEADS = new Set([
  'yes',
  'yeah',
  'yep',
  'yup',
  'sure',
  'ok',
  'okay',
  'alright',
  'go',
]);

const CUES: readonly HistoryCue[] = [
  {
    reason: 'explicit reference to an earlier turn',
    pattern:
      /\b(?:above|previous(?:ly)?|earlier|as before|from before|the same|the rest|i disagree|not what i asked|you (?:just )?(?:said|mentioned|wrote|gave|showed|listed|found|suggested|created|made|did|described|recommended)|your (?:last|previous|answer|reply|point|suggestion|list|example|code))\b/,
  },
  {
    reason: 'elliptical continuation ("and …", "what about …")',
    pattern: /^(?:and|but|also|or|plus|then|what about|how about)\b/,
    maxWords: 14,
  },
  { reason: '"same …" repeats the previous request', pattern: /^same\b/ },
  { reason: '"now …" continues the previous task', pattern: /(?:^|[.!,;]\s*)now\b/ },
  {
    reason: 'pronoun object points at an earlier answer',
    pattern: new RegExp(`\\b(?:${EDIT_VERBS}) (?:all (?:of )?)?(?:it|that|them|those|these)\\b`),
  },
  {
    reason: 'pronoun object points at an earlier answer',
    pattern: new RegExp(`\\b(?:${EDIT_VERBS}) this\\b(?! *:)`),
    skipWhenPasted: true,
  },
  { reason: 'ends on a pronoun', pattern: /\b(?:it|that|them|those)\W*$/ },
  {
    reason: 'asks about something referred to by a pronoun',
    pattern: /\b(?:what|how|why) (?:does|did|is|was|do) (?:it|that|they)\b/,
  },
  {
    reason: 'demonstrative points at an earlier artifact',
    pattern: new RegExp(`\\b(?:that|those|these) (?:\\w+ )?(?:${POINTED_THINGS})\\b`),
  },
  {
    reason: 'demonstrative points at an earlier artifact',
    pattern: new RegExp(`\\bthis (?:\\w+ )?(?:${POINTED_THINGS})\\b`),
    skipWhenPasted: true,
  },
  {
    reason: 'refers to an item of an earlier answer',
    pattern:
      /\b(?:(?:first|second|third|fourth|last|other|next) (?:one|ones|option|item|file|point|paragraph|section|idea|result|link|sentence|bullet)|(?:point|option|item|number|line|step) \d+|the one|which one)\b/,
  },
  {
    reason: 'asks to adjust the previous answer',
    pattern:
      /\b(?:shorter|longer|simpler|friendlier|funnier|clearer|nicer|warmer|softer|punchier|tighter|deeper|elaborate|expand on|go on|keep going|more (?:formal|casual|polite|concise|detailed|professional|friendly|options|examples|ideas|details)|less (?:formal|salesy|technical|wordy))\b/,
    maxWords: 20,
  },
  {
    reason: 'asks to repeat the previous step',
    pattern: /\b(?:redo|again|once more|repeat|regenerate)\b/,
  },
  {
    reason: 'feedback on the previous answer',
    pattern:
      /^(?:hmm |but |well )?(?:that|it|this) (?:doesnt|does not|didnt|did not|isnt|is not|wasnt|wont|cant|fails|failed|works|worked|throws|crashes|looks|seems|gives|returns)\b/,
  },
  {
    reason: 'short follow-up question',
    pattern:
      /^(?:why|why not|how so|really|are you sure|what do you mean|sources?|continue|more|again|explain|examples?|details?|plural|singular|meaning|pronunciation|in \w+)\b/,
    maxWords: 4,
  },
  {
    reason: 'asks for an example of the previous answer',
    pattern: /^(?:(?:give|show) me )?(?:an?|some|another|more|\d+)? ?(?:\w+ )?examples?\b/,
    maxWords: 5,
  },
  {
    reason: 'definite reference to an earlier artifact',
    pattern: new RegExp(`\\b(?:the|your) (?:\\w+ )?(?:${EARLIER_ARTIFACTS})\\b`),
    maxWords: 15,
  },
];

export function needsHistory(message: string, history: HistoryTurn[]): HistoryNeed {
  if (history.length === 0) return { needsHistory: false, reason: 'no earlier turns' };
  const pasted = looksPasted(message);
  const text = normaliseForCues(message.slice(0, SCANNED_CHARS));
  const words = countWords(text);
  for (const cue of CUES) {
    if (cue.maxWords !== undefined && words > cue.maxWords) continue;
    if (cue.skipWhenPasted && pasted) continue;
    if (cue.pattern.test(text)) return { needsHistory: true, reason: cue.reason };
  }
  if (isBareConfirmation(text)) return { needsHistory: true, reason: 'confirms a proposal' };
  return { needsHistory: false, reason: 'self-contained message' };
}

function normaliseForCues(text: string): string {
  return text.toLowerCase().replace(/['’]/g, '').replace(/\s+/g, ' ').trim();
}

function countWords(text: string): number {
  return text === '' ? 0 : text.split(' ').length;
}

function looksPasted(message: string): boolean {
  return /\n|:\s*\S.{40,}/s.test(message.slice(0, SCANNED_CHARS));
}

function isBareConfirmation(text: string): boolean {
  const words = text
    .replace(/[^a-z ]/g, '')
    .split(' ')
    .filter(Boolean);
  return (
    words.length > 0 &&
    CONFIRMATION_LEADS.has(words[0]) &&
    words.every((word) => CONFIRMATION_WORDS.has(word))
  );
}

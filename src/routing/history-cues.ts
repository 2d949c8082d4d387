// What the needs_history judge reads in a message: cue patterns (features with hand-set priors,
// not verdicts), shape features, and the small vocabularies behind them, in the four languages we
// route. Patterns are matched on lower-cased text without apostrophes (see needs-history.ts).

import { FILE_EXTENSIONS } from './cue-lexicon.js';

/** A pattern whose match is one named feature of the judge. */
export interface HistoryCue {
  name: string;
  /**
   * What the cue is believed to weigh before any data (a logit; CUE_PRIOR unless given): training
   * starts there and is pulled back towards it, so a cue the data rarely shows keeps its say.
   */
  prior?: number;
  /** Says why, in the decision's reason, when this cue weighs most. */
  reason: string;
  pattern: RegExp;
  /** Only applies to messages of at most this many words. */
  maxWords?: number;
  /** "this" usually points at pasted text in the same message, not at the history. */
  skipWhenPasted?: boolean;
}

/** The prior of a cue that names none: a clear lean towards "needs the history". */
const CUE_PRIOR = 1.5;

const EDIT_VERBS =
  'save|store|translate|explain|summari[sz]e|shorten|rewrite|fix|make|do|send|write|put|convert|' +
  'expand|simplify|repeat|undo|change|open|read|delete|remove|rename|copy|move|show|format|run|' +
  'test|check|apply|append|use|redo|split|turn|add|keep|print|share|compare|describe|list|edit|' +
  'update|improve|finish|publish|export|polish|review|analy[sz]e|refactor|sort|merge|mark|tail';

const EARLIER_ARTIFACTS =
  'code|poem|email|summary|translation|list|plan|report|draft|story|letter|regex|function|' +
  'script|answer|text|query|output|essay|outline|suggestions?|changes|analysis|explanation|' +
  'findings|steps|table|snippet|tone|results';

const POINTED_THINGS =
  'files?|folders?|ones?|lists?|code|functions?|scripts?|poems?|emails?|texts?|drafts?|regex|' +
  'translations?|summary|reports?|plans?|analysis|changes|items|modules|findings|results|' +
  'answers?|words?|parts?|points?|sections?|paragraphs?|examples?|options?|story|letters?';

const ORDINALS =
  'first|second|third|fourth|fifth|last|next|previous|other|newest|oldest|latest|biggest|' +
  'largest|smallest|longest|shortest|cheapest|best|worst|top|bottom|latter|former|most recent';

const ORDINALS_OTHER_LANGUAGES =
  'premier|première|premiers|premières|deuxième|troisième|quatrième|dernier|dernière|derniers|' +
  'dernières|plus récente?|plus ancienne?|plus grande?|primero|primera|primeros|primeras|segundo|' +
  'segunda|tercero|tercera|primer|tercer|cuarto|cuarta|último|última|últimos|últimas|' +
  'más recientes?|más antigu[oa]s?|' +
  'erste|ersten|zweite|zweiten|dritte|dritten|vierte|letzte|letzten|neueste|neuesten|älteste|' +
  'ältesten|größte|größten';

const ES_CLITIC_VERBS =
  'haz|guárda|guarda|explíca|explica|tradúce|traduce|ábre|abre|bórra|borra|pon|mánda|manda|' +
  'envía|envia|cámbia|cambia|mejóra|mejora|acórta|acorta|repíte|repite|escríbe|escribe|lée|lee|' +
  'renómbra|renombra|muéve|mueve|cópia|copia|resúme|resume|revísa|revisa|córrige|corrige|' +
  'elimína|elimina|ordéna|ordena|lée';

const DE_PRONOUN_VERBS =
  'mach|mache|speicher|speichere|erklär|erkläre|übersetz|übersetze|lösch|lösche|öffne|schick|' +
  'schicke|kürze|ändere|änder|verbessere|wiederhole|zeig|zeige|benenne|verschieb|verschiebe|' +
  'schreib|schreibe|fass|formulier|formuliere|sortiere|prüfe';

export const CONFIRMATION_WORDS = new Set([
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
  'for',
  'why',
  'not',
  'oui',
  'si',
  'sí',
  'ja',
  'vale',
  'claro',
  'vas-y',
  'bitte',
  'merci',
  'gracias',
  'danke',
  'por',
  'favor',
  'hazlo',
  'mach',
  'das',
  'gerne',
  'gern',
  'dacc',
]);
export const CONFIRMATION_LEADS = new Set([
  'yes',
  'yeah',
  'yep',
  'yup',
  'sure',
  'ok',
  'okay',
  'alright',
  'go',
  'please',
  'oui',
  'si',
  'sí',
  'ja',
  'vale',
  'claro',
  'vas-y',
]);

export const COURTESY_LEAD =
  /^(?:(?:ok(?:ay)?|cool|great|perfect|awesome|nice(?: one)?|super|parfait|genial|genau|top|merci|gracias|danke|thanks|thank you|thx|ty|cheers|(?:that|it|this) (?:worked|works)(?: (?:perfectly|great|fine|now))?(?=[,.!:;])|ça (?:a )?marché|(?:eso |ya )?funcion(?:ó|a)|(?:das |es )?(?:hat )?(?:geklappt|funktioniert))(?: (?:so much|a lot|a ton|beaucoup|muchas|schön|sehr|you))*[\s,.!:;-]*)+/;

export const CUES: readonly HistoryCue[] = withUnicodeBoundaries([
  {
    name: 'youSaid',
    reason: 'explicit reference to an earlier answer ("you said", "your list")',
    pattern:
      /\b(?:you (?:just )?(?:said|mentioned|wrote|gave|showed|listed|found|suggested|created|made|did|described|recommended|proposed|sent|picked|told me|talked about|came up with|pointed out)|your (?:last|previous|answer|reply|point|suggestion|list|example|code|version|draft|summary)|i disagree|not what i asked|(?:the|as|see) above)\b/,
    prior: 2.5,
  },
  {
    name: 'explicitReference',
    reason: 'explicit reference to an earlier turn',
    pattern: /\b(?:above|previous(?:ly)?|earlier|as before|from before|the rest)\b/,
    prior: 1,
  },
  {
    name: 'theSame',
    reason: '"the same …" compares with something earlier',
    // "the same as …" names what it compares with, "twins have the same …" compares the things the
    // message names with each other; "same-origin", "same-sex" are terms of their own.
    pattern: /(?<!\b(?:have|has|had|share|shares|shared) )\bthe same\b(?!-| as\b)/,
    prior: 1,
  },
  {
    name: 'explicitReferenceOtherLanguage',
    reason:
      'explicit reference to an earlier turn ("que tu as trouvé", "que escribiste", "die du gefunden hast")',
    pattern:
      /\b(?:(?:que )?tu (?:mas |as )(?:trouvé|trouvés|écrit|fait|dit|proposé|mentionné|listé|créé|parlé|donné|cité)|ci-dessus|précédent|(?:que )?(?:me )?(?:encontraste|escribiste|hiciste|dijiste|mencionaste|propusiste|listaste|creaste|diste|comentaste)|anterior|(?:die|das|den|was) du (?:\w+ )?(?:gefunden|geschrieben|gemacht|gesagt|erwähnt|vorgeschlagen|aufgelistet|erstellt|genannt|gegeben|gezeigt|empfohlen) hast|oben|vorhin)\b/,
  },
  {
    name: 'tooMuch',
    reason: 'judges the previous answer ("too long", "trop formel", "zu förmlich")',
    pattern:
      /\b(?:too|trop|demasiado|zu) (?:long|longue|largo|lang|short|court|corto|kurz|formal|formel|förmlich|informal|casual|stiff|wordy|vague|technical|technique|técnico|technisch|salesy|cheesy|dry|complicated|compliqué|complicado|kompliziert|generic|boring|aggressive|soft|harsh|sad|serious)\b/,
  },
  {
    name: 'continuation',
    reason: 'elliptical continuation ("and …", "what about …")',
    pattern: /^(?:and|but|also|or|plus|then|what about|how about)\b/,
    maxWords: 14,
    prior: 2.5,
  },
  {
    name: 'continuationOtherLanguage',
    reason: 'elliptical continuation ("et …", "y …", "und …")',
    pattern:
      /^(?:et|y|e|und|aber|mais|pero|ou|oder|sinon|sino|puis|dann|luego|también|aussi|auch)\b/,
    maxWords: 10,
  },
  { name: 'same', reason: '"same …" repeats the previous request', pattern: /^same\b/ },
  {
    name: 'sameOtherLanguage',
    reason: 'repeats the previous request ("pareil", "lo mismo", "das gleiche")',
    pattern:
      /\b(?:pareil|la même chose|encore|refais|recommence|lo mismo|otra vez|de nuevo|repite|igual|nochmal|noch einmal|wieder|genauso|das gleiche|dasselbe)\b/,
  },
  {
    name: 'now',
    reason: '"now …" continues the previous task',
    pattern: /(?:^|[.!,;]\s*)now\b(?! that)/,
  },
  {
    name: 'nowOtherLanguage',
    reason: '"maintenant / ahora / jetzt …" continues the previous task',
    pattern: /^(?:maintenant|ahora|jetzt|nun)\b/,
    maxWords: 8,
  },
  {
    name: 'pronounObject',
    reason: 'pronoun object points at an earlier answer',
    pattern: new RegExp(`\\b(?:${EDIT_VERBS}) (?:all (?:of )?)?(?:it|that|them|those|these)\\b`),
  },
  {
    name: 'thisObject',
    reason: 'pronoun object points at an earlier answer',
    pattern: new RegExp(`\\b(?:${EDIT_VERBS}) this\\b(?! *:)`),
    skipWhenPasted: true,
  },
  {
    name: 'cliticFrench',
    reason: 'pronoun object points at an earlier answer ("traduis-le")',
    pattern: /\b\w+-(?:le|la|les|lui|en|y)\b/,
  },
  {
    name: 'cliticSpanish',
    reason: 'pronoun object points at an earlier answer ("hazlo")',
    pattern: new RegExp(`\\b(?:${ES_CLITIC_VERBS})(?:me|te|se)?(?:lo|la|los|las)\\b`),
  },
  {
    name: 'pronounGerman',
    reason: 'pronoun object points at an earlier answer ("mach es")',
    pattern: new RegExp(
      `\\b(?:${DE_PRONOUN_VERBS})\\s+(?:es|das|sie|ihn|diese|dieses|davon|dasselbe)\\b`,
    ),
  },
  { name: 'endsOnPronoun', reason: 'ends on a pronoun', pattern: /\b(?:it|that|them|those)\W*$/ },
  {
    name: 'dummyIt',
    reason: 'an impersonal "it" ("is it true that …")',
    pattern:
      /^(?:is|was|will|would|does|can) it (?:\w+ )?(?:true|safe|ok|okay|possible|normal|better|worth|bad|good|necessary|hard|easy|legal|healthy|common|likely|rude|wise|cheaper|faster|too late|matter|take|cost|rain|snow)\b|\bit(?: is|s) (?:\w+ )?(?:to|that|raining|snowing|cold|hot|late|early)\b/,
    prior: -1.5,
  },
  {
    name: 'alsoTail',
    reason: 'extends the previous request ("… as well?", "… too")',
    pattern: /\b(?:as well|too|also|aussi|également|también|auch|ebenfalls)\W*$/,
    maxWords: 6,
  },
  {
    name: 'asksAboutPronoun',
    reason: 'asks about something referred to by a pronoun',
    pattern: /\b(?:what|how|why) (?:does|did|is|was|do) (?:it|that|they)\b/,
  },
  {
    name: 'demonstrativeArtifact',
    reason: 'demonstrative points at an earlier artifact',
    pattern: new RegExp(`\\b(?:that|those|these) (?:\\w+ )?(?:${POINTED_THINGS})\\b`),
  },
  {
    name: 'thisArtifact',
    reason: 'demonstrative points at an earlier artifact',
    pattern: new RegExp(`\\bthis (?:\\w+ )?(?:${POINTED_THINGS})\\b`),
    skipWhenPasted: true,
  },
  {
    name: 'demonstrativeOtherLanguage',
    reason: 'demonstrative points at an earlier answer ("celui", "eso", "davon")',
    pattern:
      /\b(?:celui|celle|ceux|celles|ça|cela|ce dernier|ese|esa|esos|esas|eso|aquel|aquella|dies|davon|dazu|damit)\b/,
  },
  {
    name: 'demonstrativeNounOtherLanguage',
    reason:
      'demonstrative points at an earlier answer ("ces fichiers", "esos archivos", "diese Liste")',
    pattern:
      /\b(?:ces|cette|cet|ce|esos|esas|estos|estas|ese|esa|diese|dieser|dieses|diesen|jene|jener)\s+\p{L}+/u,
    skipWhenPasted: true,
  },
  {
    name: 'eachOfThoseOtherLanguage',
    reason:
      'refers to the items of an earlier answer ("chacun de ces", "cada uno de esos", "jede dieser")',
    pattern:
      /\b(?:(?:chacun|chacune|tous|toutes) (?:de )?(?:ces|ceux|celles)|(?:chacun|chacune) (?:deux|delles|dentre eux|dentre elles)|(?:cada uno|cada una|todos|todas) (?:de )?(?:esos|esas|estos|estas|ellos|ellas)|cada un[oa]\b(?! de (?:los|las)\b)|(?:jede|jeden|jedes|alle) (?:dieser|davon|einzeln))\b/,
    prior: 2.5,
  },
  {
    name: 'partReference',
    reason: 'refers to a part of an earlier answer ("the … part")',
    // "the first section of docs/setup.md" is a part of what the message names itself.
    pattern:
      /\bthe (?:\w+ ){0,2}(?:part|bit|section|paragraph|passage)\b(?! (?:of|in) (?!(?:it|that|this|them|those|these|the above)\b))/,
    maxWords: 15,
  },
  {
    name: 'countedReference',
    reason: 'refers to items counted earlier ("all three", "the other two", "both")',
    pattern:
      /\b(?:(?:all|the other|those|these|the) (?:two|three|four|five|six|seven|eight|nine|ten|\d+)\b(?! (?:days?|weeks?|months?|years?|hours?|minutes?|times?|people|km|miles?|kg|percent))|both (?:of )?(?:them|those|these|reports?|files?|lists?|versions?|options?|ideas?|ones?|drafts?|scripts?)|(?:top|first|last) \d+ (?:items?|points?|ones?|files?|results?))/,
  },
  {
    name: 'locative',
    reason: 'points into something earlier ("in there", "ahí", "dedans", "darin")',
    pattern:
      /\b(?:in there|in it|into it|on it|from it|in that file|ahí|allí|ahí dentro|dedans|là-dedans|dessus|darin|dort|da rein|daran|dafür|darüber)\b/,
    prior: 2.5,
  },
  {
    name: 'definiteArtifactOtherLanguage',
    reason: 'definite reference to an earlier artifact ("la liste", "el informe", "der Liste")',
    pattern:
      /\b(?:le|la|les|du|el|los|las|del|der|die|das|den|dem)\s+(?:liste|lista|fichier|archivo|datei|rapport|informe|bericht|texte|texto|text|code|código|poème|poema|gedicht|mail|e-mail|correo|lettre|carta|brief|résumé|resumen|zusammenfassung|tableau|tabla|tabelle|script|programme|programa|programm|recette|receta|rezept|plan)\b/,
    maxWords: 12,
  },
  {
    name: 'itemReference',
    reason: 'refers to an item of an earlier answer',
    pattern:
      /\b(?:(?:point|option|item|number|line|step|part) \d+|the one|the (?:latter|former)|the (?:intro|introduction|conclusion|ending|middle))\b/,
  },
  {
    name: 'whichOne',
    reason: 'asks which item of an earlier answer ("which one", "which of them")',
    pattern: /\b(?:which one|which of (?:them|these|those))\b/,
  },
  {
    name: 'rankedItem',
    reason: 'refers to an item of an earlier answer by its rank ("the second option")',
    pattern:
      /\b(?:first|second|third|fourth|fifth|sixth|last|other|next|newest|oldest|latest|biggest|largest|smallest|middle|opening|closing|final|ending) (?:one|ones|option|item|file|point|paragraph|section|idea|result|link|sentence|bullet|entry|line|step|part|bit|verse)\b/,
  },
  {
    name: 'itemNumberOtherLanguage',
    reason:
      'refers to an item of an earlier answer ("le point 3", "el punto cuatro", "Nummer drei")',
    pattern:
      /\b(?:numéro|point|étape|idée|option|número|punto|paso|idea|opción|nummer|punkt|schritt|idee) (?:\d+|un|une|deux|trois|quatre|cinq|uno|una|dos|tres|cuatro|cinco|eins|zwei|drei|vier|fünf)\b/,
  },
  {
    name: 'countedReferenceOtherLanguage',
    reason:
      'refers to items counted earlier ("les deux premiers", "los tres", "die ersten beiden")',
    pattern:
      /\b(?:(?:les|ces|los|las|esos|esas|die|diese|alle) (?:deux|trois|quatre|cinq|dos|tres|cuatro|cinco|zwei|drei|vier|fünf|beiden)|(?:les|los|las|die) (?:premiers|premières|derniers|dernières|primeros|primeras|últimos|últimas|ersten|letzten) (?:deux|trois|dos|tres|zwei|drei|beiden)|(?:tous|toutes) les deux|ambos|ambas|beide)\b/,
    maxWords: 20,
  },
  {
    name: 'ordinalFragment',
    reason: 'refers to an item of an earlier answer',
    pattern: new RegExp(`^(?:the |and the )?(?:\\w+ )?(?:${ORDINALS})\\b`),
    maxWords: 4,
  },
  {
    name: 'ordinalOtherLanguage',
    reason: 'refers to an item of an earlier answer ("le deuxième", "el último")',
    pattern:
      /\b(?:premier|première|deuxième|second|seconde|troisième|quatrième|cinquième|dernier|dernière|suivant|suivante|primero|primera|primer|segundo|segunda|tercero|tercera|tercer|cuarto|quinto|último|última|siguiente|erste|ersten|zweite|zweiten|dritte|dritten|vierte|fünfte|letzte|letzten|neueste|neuesten|nächste|nächsten)\b/,
    maxWords: 20,
  },
  {
    name: 'eachOfThose',
    reason: 'refers to the items of an earlier answer',
    pattern:
      /\b(?:each|all|every one|both|any|none|some|most|either|neither) of (?:those|these|them|it|the above)\b/,
    prior: 2.5,
  },
  {
    name: 'adjust',
    reason: 'asks to adjust the previous answer',
    pattern:
      /\b(?:shorter|longer|simpler|friendlier|funnier|clearer|nicer|warmer|softer|punchier|tighter|deeper|elaborate|expand on|go on|keep going|tone it|more (?:formal|casual|polite|concise|detailed|professional|friendly|options|examples|ideas|details?|depth|confident|humou?r)|less (?:formal|salesy|technical|wordy|detail))\b/,
    maxWords: 20,
  },
  {
    name: 'comparativeEdit',
    reason: 'asks to adjust the previous answer',
    pattern:
      /^(?:(?:a bit|slightly|much|way|even|now|but|and) )?(?:(?:less|more) \w+|\w{3,}er(?: and \w{3,}er)?)(?: please| pls| plz)?\W*$/,
    maxWords: 5,
  },
  {
    name: 'styleWords',
    reason: 'asks to adjust the style of the previous answer',
    pattern:
      /\b(?:tone|wording|phrasing|rhyme|emojis?|jargon|exclamation marks?|bullet points?|first person|third person|british|american english|apologetic|robotic|stiff|salesy|upbeat|punchy|casual|formal|polite|professional)\b/,
    maxWords: 12,
  },
  {
    name: 'styleOtherLanguage',
    reason: 'asks to adjust the previous answer ("plus court", "más formal", "kürzer")',
    pattern:
      /\b(?:(?:plus|moins|más|menos) (?:court|courte|long|longue|formel|formelle|simple|drôle|chaleureux|poli|clair|détaillé|corto|corta|largo|larga|formal|sencillo|divertido|cálido|claro|detallado|amable)|kürzer|länger|förmlicher|lockerer|einfacher|freundlicher|lustiger|ausführlicher|weniger \w+)\b/,
    maxWords: 10,
  },
  {
    name: 'repeat',
    reason: 'asks to repeat the previous step',
    pattern: /\b(?:redo|again|once more|repeat|regenerate)\b/,
  },
  {
    name: 'feedback',
    reason: 'feedback on the previous answer',
    pattern:
      /^(?:hmm |but |well )?(?:that|it|this) (?:doesnt|does not|didnt|did not|isnt|is not|wasnt|wont|cant|fails|failed|works|worked|throws|crashes|looks|seems|gives|returns)\b/,
    prior: 2.5,
  },
  {
    name: 'shortQuestion',
    reason: 'short follow-up question',
    pattern:
      /^(?:why|why not|how so|really|are you sure|what do you mean|sources?|continue|more|again|explain|examples?|details?|plural|singular|meaning|pronunciation|in \w+)\b/,
    maxWords: 4,
  },
  {
    name: 'shortQuestionOtherLanguage',
    reason: 'short follow-up question ("pourquoi ?", "¿en serio?", "warum?")',
    pattern:
      /^(?:pourquoi|vraiment|tu es sûr|tes sûr|comment ça|por qué|porqué|en serio|seguro|warum|wieso|echt|wirklich|sicher)\b/,
    maxWords: 4,
  },
  {
    name: 'continueOtherLanguage',
    reason: 'asks to go on ("développe", "sigue", "weiter")',
    pattern:
      /^(?:développe|continue|continuez|vas-y|précise|détaille|encore|sigue|continúa|continua|detalla|desarrolla|amplía|weiter|mach weiter|erzähl mehr|mehr dazu|genauer)\b/,
    maxWords: 6,
  },
  {
    name: 'exampleAnywhere',
    reason: 'asks for an example of the previous answer',
    pattern:
      /\b(?:an|another|a concrete|a real|a simple|some|un|une|des|unos|ein|eine|einige)\s+(?:\p{L}+\s+)?(?:examples?|exemples?|ejemplos?|beispiele?)\b/u,
    maxWords: 8,
  },
  {
    name: 'moreOfTheSame',
    reason: 'asks for more of the same ("two more", "another version")',
    pattern:
      /\b(?:(?:\d+|two|three|four|five|a few|some|deux|trois|dos|tres|zwei|drei) more|another (?:one|version|variant|take|option|try|round)|encore (?:un|une|deux)|otr[oa] (?:más|versión)|noch (?:eins|einen|eine|mal))\b/,
    maxWords: 12,
  },
  {
    name: 'whFragment',
    reason: 'elliptical question ("what year?", "how fast?")',
    pattern: /^(?:what|which|who|when|where|how|why)(?: \w+)?\W*$/,
    prior: 2.5,
  },
  {
    name: 'unitFragment',
    reason: 'elliptical continuation ("in feet?", "to the fourth?")',
    pattern: /^(?:(?:now|and|but) )?(?:in|into|to|of|for|from) (?:\w+)(?: \w+)?\W*$/,
  },
  {
    name: 'anotherOne',
    reason: 'asks for another of the same',
    pattern: /^(?:another|one more|more|next|the rest|the other)\b/,
    maxWords: 4,
  },
  {
    name: 'bareNumber',
    reason: 'answers a question from the previous turn with a number',
    pattern:
      /^(?:about |around |roughly |maybe |like |exactly )?[~≈$€£]?\d[\d.,]*(?:\s*(?:%|[a-zé]{1,8}))?(?:\s*(?:by|x|and|,|-)\s*\d[\d.,]*.*)?\W*$/,
    prior: 2.5,
  },
  {
    name: 'example',
    reason: 'asks for an example of the previous answer',
    pattern: /^(?:(?:give|show) me )?(?:an?|some|another|more|\d+)? ?(?:\w+ )?examples?\b/,
    maxWords: 5,
  },
  {
    name: 'definiteArtifact',
    reason: 'definite reference to an earlier artifact',
    pattern: new RegExp(`\\b(?:the|your) (?:\\w+ )?(?:${EARLIER_ARTIFACTS})\\b`),
    maxWords: 15,
  },
]);

/**
 * `\b` only knows ASCII: "\bahí\b" never matches. Each cue's `\b` becomes a boundary between a
 * Unicode letter or digit and anything else.
 */
function withUnicodeBoundaries(cues: HistoryCue[]): HistoryCue[] {
  const boundary =
    '(?:(?<=[\\p{L}\\p{N}])(?![\\p{L}\\p{N}])|(?<![\\p{L}\\p{N}])(?=[\\p{L}\\p{N}]))';
  return cues.map((cue) => ({
    ...cue,
    pattern: new RegExp(cue.pattern.source.replaceAll('\\b', boundary), 'u'),
  }));
}

export const PRONOUNS = new Set([
  'it',
  'that',
  'this',
  'them',
  'those',
  'these',
  'they',
  'one',
  'ones',
  'there',
  'he',
  'she',
  'him',
  'her',
  'its',
]);
const PRONOUN_REACH = 12;
/** Words that join two clauses; "n" and "&" are how "and" is often typed in chat. */
export const CLAUSE_JOINERS: ReadonlySet<string> = new Set([
  'and',
  'n',
  '&',
  'then',
  'but',
  'et',
  'puis',
  'y',
  'luego',
  'und',
  'dann',
]);

/**
 * Words that name no subject of their own, in the four languages we route (function words,
 * common verbs, generic nouns): a message made of them only ("and the other one?", "y eso?",
 * "go ahead and create it") leans on the conversation for its subject.
 */
export const FUNCTION_WORDS = new Set(
  (
    'a an the and or but so also then now too it its this that these those them they there ' +
    'here one ones he she him her his what which who whom whose when where why how is are was ' +
    'were be been do does did can could would should will shall may might must have has had ' +
    'of in on at to for from by with about into onto as than again more less very just please ' +
    'pls plz ok okay yes no not some any all each every both other another same same thing ' +
    'me my you your we our us i im its thats whats hows lets let give show tell make do ' +
    'et ou mais donc puis le la les un une des du de ce cet cette ces ça cela celui celle il ' +
    'elle ils elles en y est sont quoi quel quelle qui que comment pourquoi encore aussi plus ' +
    'moins pour avec dans sur et y o pero el la los las un una unos unas del de lo eso esa ese ' +
    'esto esta este qué que cuál quién cómo por para con en más menos también otra otro und ' +
    'oder aber dann der die das den dem des ein eine einen es sie er das dies diese dieser was ' +
    'wer wie wo warum auch noch mehr weniger für mit in auf von zu im am bitte ' +
    'put go ahead create write save add make open read show tell give turn fix use delete ' +
    'remove rename move copy explain summarize summarise translate list find search check try ' +
    'send keep change update run want need like love think know get see look mean sure good ' +
    'great nice new old cool thanks thank well really still bit little lot way thing things ' +
    'file files folder folders one part way also maybe could would should yeah yep yes ok ' +
    'fais mets écris lis ouvre garde dis montre donne haz pon escribe lee abre guarda dime ' +
    'muestra dame mach schreib lies öffne speichere sag zeig gib ajoute change modifie enlève ' +
    'supprime corrige remplace mets refais traduis explique cambia añade agrega quita borra ' +
    'elimina corrige reemplaza haz traduce explica füge ändere entferne lösche ersetze setze ' +
    'korrigiere übersetze erkläre hinzu rein raus'
  ).split(' '),
);

interface StructuralFeature {
  name: string;
  reason: string;
  prior?: number;
}

const STRUCTURAL: readonly StructuralFeature[] = [
  { name: 'bias', reason: 'prior' },
  { name: 'words:1', reason: 'a single word' },
  { name: 'words:2', reason: 'two words' },
  { name: 'words:3-4', reason: 'a short fragment' },
  { name: 'words:5-8', reason: 'a short message' },
  { name: 'words:9-15', reason: 'a complete request' },
  { name: 'words:16+', reason: 'a long, complete request' },
  { name: 'question', reason: 'a question' },
  { name: 'courtesyLead', reason: 'thanks, then a new request', prior: -0.5 },
  {
    name: 'newTaskAfterThanks',
    reason: 'thanks, then "now" and a task of its own',
    prior: -1,
  },
  { name: 'intent', reason: 'states its own request' },
  { name: 'asksFact', reason: 'asks a complete factual question' },
  { name: 'elliptical', reason: 'a fragment with no request of its own', prior: 1 },
  { name: 'ownObject', reason: 'brings its own material (quotes, pasted text)', prior: -1 },
  { name: 'namesFile', reason: 'names a file or path' },
  { name: 'namesPlace', reason: 'names a place on disk ("the docs folder")' },
  { name: 'content:0', reason: 'no content words of its own', prior: 1 },
  { name: 'content:1', reason: 'one content word' },
  { name: 'content:2', reason: 'two content words' },
  { name: 'content:3+', reason: 'names its own subject', prior: -0.5 },
  { name: 'pronoun', reason: 'uses a pronoun' },
  { name: 'pronounEarly', reason: 'opens on a pronoun' },
  {
    name: 'antecedentInside',
    reason: 'its pronoun points at an earlier clause of the same message',
    prior: -1,
  },
  {
    name: 'pronounUnbound',
    reason: 'its pronoun has nothing to point at in the message',
    prior: 1,
  },
  {
    name: 'antecedentOwn',
    reason: 'its pronoun points at something the message names itself ("my pan … clean it")',
    prior: -1,
  },
  {
    name: 'antecedentDefinite',
    reason: 'its pronoun may point at something named with "the" earlier in the message',
  },
  {
    name: 'namesThenAsks',
    reason: 'names its own subject, then asks or acts on it ("my pan is rusty, how …")',
    prior: -0.5,
  },
  { name: 'opensPersonal', reason: 'opens on the writer’s own situation ("my …", "i have …")' },
  {
    name: 'ordinalHead',
    reason: 'picks an item out by its rank ("the newest", "la dernière", "die ersten beiden")',
    prior: 0.5,
  },
  {
    name: 'rankScoped',
    reason: 'ranks within a set it names itself ("the oldest university in europe")',
    prior: -0.5,
  },
  {
    name: 'picksFromOwnRequest',
    reason:
      'picks from a set its own request brings up ("list the files … which one is the oldest")',
    prior: -1,
  },
  {
    name: 'rankNamesKind',
    reason: 'ranks a kind of thing the earlier turns did not name ("the biggest planet")',
    prior: -0.5,
  },
  {
    name: 'rankUnscoped',
    reason: 'ranks within a set it does not name ("the last spreadsheet")',
    prior: 0.5,
  },
  { name: 'confirmation', reason: 'confirms a proposal', prior: CUE_PRIOR },
  { name: 'previousAsks', reason: 'the previous answer asked a question' },
  { name: 'previousList', reason: 'the previous answer was a list' },
  { name: 'previousShort', reason: 'the previous answer was short' },
  { name: 'sharesAnswerWord', reason: 'repeats a word of the previous answer' },
  { name: 'sharesRequestWord', reason: 'repeats a word of the previous request' },
  {
    name: 'repeatsRequest',
    reason: 'asks an earlier request of the conversation again',
    prior: -1,
  },
  {
    name: 'itemOfList',
    reason: 'refers to an item of the list the previous answer gave',
    prior: 1,
  },
];

export const FEATURE_NAMES: readonly string[] = [
  ...STRUCTURAL.map((feature) => feature.name),
  ...CUES.map((cue) => `cue:${cue.name}`),
];
export const FEATURE_REASONS: readonly string[] = [
  ...STRUCTURAL.map((feature) => feature.reason),
  ...CUES.map((cue) => cue.reason),
];
export const FEATURE_PRIORS: readonly number[] = [
  ...STRUCTURAL.map((feature) => feature.prior ?? 0),
  ...CUES.map((cue) => cue.prior ?? CUE_PRIOR),
];

/** Known extensions of two characters or more ("a.m." and "e.g." end on one), escaped. */
const EXTENSIONS = FILE_EXTENSIONS.filter((extension) => extension.length >= 2)
  .map((extension) => extension.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  .join('|');
/**
 * Word pairs written with a slash that are no path: "and/or", "pros/cons", "am/pm" ("w/o", "n/a" and
 * "24/7" fail the two letters the path alternative needs before its slash).
 */
const SLASH_PAIRS =
  'and|or|yes|no|he|she|his|her|him|they|them|pros|on|input|tcp|ci|km|miles|cost|am|true|either|this|before';
/**
 * A file name or path: "notes/ideas.md", "index.d.ts", ".env", "src/app", "reports/2024", "~/notes",
 * "contracts/"; not "e.g.", "a.m.", "done.it", "and/or" or "24/7". Words are lower-cased first.
 */
const FILE_NAME = new RegExp(
  `\\.(?:${EXTENSIONS})(?![\\p{L}\\p{N}])|` +
    `(?:^|[^\\p{L}\\p{N}_.~-])(?:~|\\.{1,2})?\\/[\\p{L}\\p{N}_.-]+|` +
    `(?<![\\p{L}\\p{N}])(?!(?:${SLASH_PAIRS})\\/)[_.-]*\\p{L}[\\p{L}\\p{N}_.-]+\\/(?:[\\p{L}\\p{N}_.-]*[\\p{L}\\p{N}]|(?![\\p{L}\\p{N}]))`,
  'u',
);

export function contentWords(words: string[]): number {
  let count = 0;
  const reach = Math.min(words.length, PRONOUN_REACH);
  for (let i = 0; i < reach; i++) {
    // A file name or path is as specific a subject as a message can name.
    if (FILE_NAME.test(words[i])) count += 2;
    const word = plainWord(words[i]);
    if (word.length >= 2 && !FUNCTION_WORDS.has(word)) count++;
  }
  return count;
}

/**
 * Whether a clause before the pronoun (ended by a comma, a colon, "and", "then", …) names
 * something it could point at: "my monstera has brown spots, why is it …", "write a function
 * that parses dates and explain how it works". "add type hints to it" has none.
 */
export function hasEarlierClause(words: string[], pronounAt: number): boolean {
  // "add them up: 12, 7, 30" points forward, at what follows the colon.
  const colonAfter = words.findIndex((word, i) => i >= pronounAt && word.endsWith(':'));
  if (colonAfter >= 0 && words.length - colonAfter > 2) return true;
  let clauseContent = 0;
  for (let i = 0; i < pronounAt; i++) {
    const word = words[i];
    const plain = plainWord(word);
    // "list the files in the invoices folder and …" names what its pronoun can point at, and a
    // file name alone does: "summarise notes/ideas.md and say if it is finished".
    if (FILE_NAME.test(word)) clauseContent += 2;
    else if (plain.length >= 2 && (!FUNCTION_WORDS.has(plain) || GENERIC_NOUNS.has(plain))) {
      clauseContent++;
    }
    const endsClause = /[,;:.!?]$/.test(word) || CLAUSE_JOINERS.has(words[i + 1] ?? '');
    if (endsClause && clauseContent >= 2) return true;
  }
  return false;
}

export function firstPronoun(words: string[]): number {
  const reach = Math.min(words.length, PRONOUN_REACH);
  for (let i = 0; i < reach; i++) {
    if (PRONOUNS.has(words[i].replace(/[^a-z]/g, ''))) return i;
  }
  return -1;
}

export const NEW_TASK_LEAD = /^(?:now|next|ahora|maintenant|jetzt|nun)\b/;
const NEW_TASK_LEAD_REACH = 5;

/**
 * Whether "now …" near the start opens a task with no reference back: "now write me a haiku
 * about tea", "that worked. next, list the files in scripts" ("now make it shorter" refers back).
 */
export function opensNewTask(words: string[]): boolean {
  const reach = Math.min(words.length, NEW_TASK_LEAD_REACH);
  for (let i = 0; i < reach; i++) {
    if (!NEW_TASK_LEAD.test(words[i])) continue;
    if (i > 0 && !/[,;:.!?]$/.test(words[i - 1])) return false;
    const rest = words.slice(i + 1);
    const text = rest.join(' ');
    return (
      contentWords(rest) + rest.filter((word) => GENERIC_NOUNS.has(word)).length >= 2 &&
      firstPronoun(rest) < 0 &&
      !innerReference(rest).ordinalHead &&
      !CUES.some((cue) => !cue.name.startsWith('now') && cue.pattern.test(text))
    );
  }
  return false;
}

export function isBareConfirmation(words: string[]): boolean {
  const plain = words.map((word) => word.replace(/[^a-zà-ÿ-]/g, '')).filter(Boolean);
  return (
    plain.length > 0 &&
    plain.length <= 6 &&
    CONFIRMATION_LEADS.has(plain[0]) &&
    plain.every((word) => CONFIRMATION_WORDS.has(word))
  );
}

export function asksSomething(answer: string): boolean {
  const text = answer.trim().toLowerCase();
  return (
    text.endsWith('?') ||
    /\b(?:shall i|should i|do you want|want me to|would you like|are you sure|voulez-vous|veux-tu|quieres|desea|soll ich|möchtest du|möchten sie)\b/.test(
      text,
    )
  );
}

export function isList(answer: string): boolean {
  const lines = answer.split('\n').filter((line) => line.trim() !== '').length;
  return lines >= 3 || /(?:^|\s)(?:1[.)]|-|\*) /.test(answer) || answer.split(',').length >= 4;
}

/** Determiners that introduce something the message names itself: "a tick", "my pan", "une tache". */
const OWN_DETERMINERS = new Set(
  (
    'a an my our his her their some another ' +
    'un une mon ma mes notre nos son sa ses des ' +
    'un una unos unas mi mis nuestro nuestra nuestros nuestras su sus ' +
    'ein eine einen einem einer mein meine meinen meinem meiner unser unsere unseren unserem'
  ).split(' '),
);
/** "three job offers" names things; "the three", "all three" count those of an earlier answer. */
const NUMBER_WORDS = new Set(
  (
    'two three four five six seven eight nine ten deux trois quatre cinq dos tres cuatro cinco ' +
    'zwei drei vier fünf'
  ).split(' '),
);
/** Definite articles: "the poem" may be the message's own or an earlier answer's. */
const DEFINITE_ARTICLES = new Set(
  'the le la les du au aux el los las del al der die das den dem im am beim vom zum zur'.split(' '),
);
/** Generic nouns FUNCTION_WORDS counts as naming nothing, which a pronoun can still point at. */
const GENERIC_NOUNS = new Set(['file', 'files', 'folder', 'folders', 'thing', 'things', 'part']);
/** After a determiner these make a reference, not a named thing: "the second one", "the rest". */
const REFERRING_HEADS = new Set([
  ...ORDINALS.split('|'),
  ...ORDINALS_OTHER_LANGUAGES.split('|').filter((ordinal) => /^\p{L}+$/u.test(ordinal)),
  ...'same rest others one ones two three four five both all each latter former'.split(' '),
  ...'même mêmes autre autres mismo misma otro otra otros otras gleiche selbe andere anderen'.split(
    ' ',
  ),
]);
/** Pronouns of the other languages a thing named earlier in the message can be pointed at with. */
const OTHER_PRONOUNS = new Set(
  (
    'ça cela il elle ils elles lui leur eux ' +
    'eso esto ello él ella ellos ellas ' +
    'ihn ihm ihnen sie dies davon darin damit dafür daran darüber dazu'
  ).split(' '),
);
const OPENS_PERSONAL =
  /^(?:my|our|i|im|ive|we|were|weve|theres|there is|there are|mon|ma|mes|notre|nos|je|jai|il y a|mi|mis|nuestro|nuestra|tengo|hay|mein|meine|meinem|unser|unsere|ich|wir|es gibt)\b/u;
const ANTECEDENT_REACH = 30;
/**
 * Bump when innerReference(), hasEarlierClause(), contentWords(), FILE_NAME or opensNewTask()
 * changes what it finds, or the judge reads them differently: the history weights must be re-trained.
 */
export const INNER_REFERENCE_REVISION = 13;

/** What a pronoun of the message can point at inside the message, and how the message opens. */
export interface InnerReference {
  /**
   * A rank with nothing named after it picks an item out of something earlier: "the newest",
   * "rename the oldest to …", "the first three", "la plus récente"; "the first law of
   * thermodynamics" and "der erste Bundeskanzler" name their own subject.
   */
  ordinalHead: boolean;
  /**
   * A rank needs the set it ranks in: 1 when the message gives it ("the oldest university in
   * europe", "the first woman to win …", "la plus longue rivière de France"), 2 when it does not
   * and an earlier answer must ("the last spreadsheet", "is the third command safe?"), 0 no rank.
   */
  rankScope: 0 | 1 | 2;
  /** The word naming what an unscoped rank ranks ("planet" in "the biggest planet"), or ''. */
  rankNoun: string;
  /**
   * A pick ("which one", "which of them", "the oldest") from a set the message's own opening request
   * brings up: "list the files in invoices and tell me which one is the oldest".
   */
  picksFromOwnRequest: boolean;
  /** The pick's own pronoun: "one" in "which one", "them" in "which of them" (-1 without one). */
  pickPronounAt: number;
  /**
   * What the message names before its first pronoun: 2 a thing of its own (an indefinite or
   * possessive noun phrase, a number of things, a file name), 1 only a definite one ("the poem"),
   * 0 nothing (or no pronoun at all).
   */
  antecedent: 0 | 1 | 2;
  /** The first clause names a thing (same scale) and more follows: "my pan is rusty, how …". */
  namesThenAsks: boolean;
  opensPersonal: boolean;
}

/**
 * Looks for the thing a pronoun points at inside the message: "my cast iron pan is rusty, how do I
 * clean it", "écris un poème et donne-lui un titre", "mi gato … hacer eso". One pass over the
 * opening words; `words` are lower-cased, without apostrophes.
 */
export function innerReference(words: string[]): InnerReference {
  const reach = Math.min(words.length, ANTECEDENT_REACH);
  let named: 0 | 1 | 2 = 0;
  let antecedent: 0 | 1 | 2 = 0;
  let firstClause: 0 | 1 | 2 | -1 = -1;
  let ordinalHead = false;
  let rankScope: 0 | 1 | 2 = 0;
  let rankNoun = '';
  let pickAt = -1;
  let pointed = false;
  for (let i = 0; i < reach; i++) {
    const word = words[i];
    const plain = word.replace(/[^\p{L}\p{N}-]/gu, '');
    if (pickAt < 0 && plain === 'which' && PICKED.test(words[i + 1] ?? '')) pickAt = i;
    if (DEFINITE_ARTICLES.has(plain)) {
      if (!ordinalHead && ranksWithoutNoun(words, i + 1)) {
        ordinalHead = true;
        if (pickAt < 0) pickAt = i;
      }
      if (rankScope === 0) {
        rankScope = scopeOfRank(words, i + 1);
        if (rankScope === 2) rankNoun = nounAfterRank(words, i + 1);
      }
    } else if (i === 0 && scopeOfRank(words, 0) === 1) {
      // Without an article only a rank that names its set counts: "longest river in africa?"
      // ("second largest?" and "next, …" stay as they are).
      rankScope = 1;
    }
    if (pointed) continue;
    if (isPointer(plain, words, i)) {
      antecedent = named;
      pointed = true;
      continue;
    }
    const endsClause = /[,;:.!?]$/.test(word) || /^[-–—]$/.test(words[i + 1] ?? '');
    if (FILE_NAME.test(word)) named = 2;
    else if (endsClause && i < 3 && named === 0 && isTopic(words, i)) named = 2;
    else if (!/[,;:.!?]$/.test(word))
      named = Math.max(named, namedAfter(plain, words, i)) as 0 | 1 | 2;
    if (firstClause < 0 && endsClause && words.length - i > 2) firstClause = named;
  }
  return {
    ordinalHead,
    rankScope,
    rankNoun,
    picksFromOwnRequest: picksFromOwnRequest(words, pickAt),
    pickPronounAt: pickPronoun(words, pickAt),
    antecedent,
    namesThenAsks: firstClause > 0,
    opensPersonal: OPENS_PERSONAL.test(words.slice(0, 3).join(' ')),
  };
}

/** What follows "which" when it picks from a set: "which one", "which of them" (English only). */
const PICKED = /^(?:one|ones|of)\b/;
/** Pronouns a pick ends on: "which one", "which of them", "the cheapest of those". */
const PICK_PRONOUNS = new Set(['one', 'ones', 'them', 'these', 'those']);
const PICK_PRONOUN_REACH = 3;

/** Where the pick at `pickAt` has its own pronoun, within its clause; -1 if it has none. */
function pickPronoun(words: string[], pickAt: number): number {
  if (pickAt < 0) return -1;
  const end = Math.min(words.length, pickAt + 1 + PICK_PRONOUN_REACH);
  for (let i = pickAt + 1; i < end; i++) {
    if (PICK_PRONOUNS.has(plainWord(words[i]))) return i;
    if (/[,;:.!?]$/.test(words[i])) return -1;
  }
  return -1;
}

/** Requests that bring up a set of their own: "list the files in invoices and …", "write three slogans and …". */
const SET_REQUEST = new Set(
  (
    'list ls read show find search scan check open look get fetch compare write suggest recommend ' +
    'give name generate draft propose liste lis montre cherche trouve écris lista lee ' +
    'muestra busca encuentra revisa escribe sugiere zeig lies suche finde öffne schreib nenne'
  ).split(' '),
);
/** Words a request may open with before its verb: "please list …", "can you find …", "now read …". */
const REQUEST_LEADS = new Set(
  'please pls plz so ok okay can could would will you i need want to now next then also just kindly'.split(
    ' ',
  ),
);
const REQUEST_LEAD_REACH = 4;
/** Where a thing a request names comes from: "files in X", "mails from Y", "my inbox". */
const SOURCE_WORDS = new Set(
  'in from under inside within on my our dans de du mes mon en mis mi im aus von meine meinen'.split(
    ' ',
  ),
);
/** Words that point back even inside a request: "show me their prices and …". */
const BACK_POINTERS = new Set(
  'their theirs them those these its it they each both leurs leur ces chacun sus esos esas estos cada ihre deren diese jeden'.split(
    ' ',
  ),
);

/**
 * Whether the pick at `pickAt` chooses from a set the message's own opening request brings up:
 * "list the files in invoices and tell me which one is the oldest", "read notes/ideas.md, which of
 * them …", "write three slogans and tell me which one you like". The request must name where its set
 * comes from (a file, a folder, "files in X", "my inbox") or count it ("three slogans"), point back
 * at nothing, and reach the pick through a joiner or a comma. "for gaming, which one is better?" and
 * "look at the specs and tell me which one is lightest" pick from an earlier answer.
 */
function picksFromOwnRequest(words: string[], pickAt: number): boolean {
  let verb = 0;
  while (verb < REQUEST_LEAD_REACH && REQUEST_LEADS.has(plainWord(words[verb] ?? ''))) verb++;
  if (verb >= pickAt - 1 || !SET_REQUEST.has(plainWord(words[verb]))) return false;
  let named = false;
  for (let i = verb + 1; i < pickAt; i++) {
    const plain = plainWord(words[i]);
    const previous = plainWord(words[i - 1]);
    // "the newest" here would be the pick itself; "the last 10 commits" names what it lists.
    if (BACK_POINTERS.has(plain)) return false;
    if (DEFINITE_ARTICLES.has(previous) && ranksWithoutNoun(words, i)) return false;
    const content = /\p{L}{2}/u.test(plain) && !FUNCTION_WORDS.has(plain);
    named ||=
      FILE_NAME.test(words[i]) ||
      GENERIC_NOUNS.has(plain) ||
      (content &&
        (SOURCE_WORDS.has(previous) || NUMBER_WORDS.has(previous) || /^\d+$/.test(previous)));
    const joined = /,$/.test(words[i]) || CLAUSE_JOINERS.has(words[i + 1] ?? '');
    if (named && joined) return true;
  }
  return false;
}

/** A word without its punctuation: "files." → "files". */
function plainWord(word: string): string {
  return word.replace(/[^\p{L}\p{N}]/gu, '');
}

const RANKS: ReadonlySet<string> = new Set([
  ...ORDINALS.split('|'),
  ...ORDINALS_OTHER_LANGUAGES.split('|').filter((ordinal) => /^\p{L}+$/u.test(ordinal)),
]);
const COUNTING_WORDS =
  /^(?:all|those|these|alle|ces|esos|esas|step|point|option|item|number|line|part|numéro|étape|número|punto|paso|nummer|punkt|schritt)$/;
const RANK_MODIFIERS = new Set(['most', 'plus', 'más', 'moins', 'menos']);

/** Whether words[at] is a rank ("newest", "plus récente") with no named thing after it. */
function ranksWithoutNoun(words: string[], at: number): boolean {
  let i = at;
  if (RANK_MODIFIERS.has(words[i] ?? '')) i++;
  const rank = words[i]?.replace(/[^\p{L}]/gu, '') ?? '';
  if (!RANKS.has(rank) && !(i > at && rank.length >= 4)) return false;
  if (/[,;:.!?]$/.test(words[i])) return true;
  const next = plainWord(words[i + 1] ?? '');
  // "the newest file in the logs folder" ranks in a set it names; "the newest file" does not.
  if (GENERIC_NOUNS.has(next)) return scopeOfRank(words, at) !== 1;
  if (NUMBER_WORDS.has(next) || /^\d+$/.test(next)) {
    // "the first two" picks from an earlier answer; "the last 20 lines of error.log" counts things
    // in a set it names.
    const counted = words[i + 2]?.replace(/[^\p{L}]/gu, '') ?? '';
    const namesThings = counted.length >= 3 && !FUNCTION_WORDS.has(counted);
    return !namesThings || scopeOfRank(words, at) !== 1;
  }
  return next === '' || FUNCTION_WORDS.has(next);
}

/** Words that open the set a rank is taken in: "of", "in", "to win", "de", "der Welt", "que". */
const SCOPE_WORDS = new Set(
  (
    'of in on at by to among ever from within that who which where ' +
    'de du des del en dans à au qui que ' +
    'im der des von auf unter zu seit die'
  ).split(' '),
);
const SCOPE_REACH = 4;
const MORE_WORDS = new Set([
  'more',
  'other',
  'autres',
  'más',
  'otros',
  'otras',
  'weitere',
  'andere',
]);

/** Whether words[at] is a rank and, if so, whether the words after it give the set it ranks in. */
function scopeOfRank(words: string[], at: number): 0 | 1 | 2 {
  let i = at;
  if (RANK_MODIFIERS.has(words[i] ?? '')) i++;
  if (!RANKS.has(words[i]?.replace(/[^\p{L}]/gu, '') ?? '')) return 0;
  for (let j = i; j < Math.min(words.length, i + SCOPE_REACH); j++) {
    if (j > i && SCOPE_WORDS.has(words[j].replace(/[^\p{L}]/gu, ''))) return 1;
    if (/[,;:.!?]$/.test(words[j])) return 2;
  }
  return 2;
}

/** The first word after the rank(s) at `at` when it names something: "biggest planet" → "planet". */
function nounAfterRank(words: string[], at: number): string {
  let i = at;
  while (i < words.length) {
    const plain = words[i].replace(/[^\p{L}]/gu, '');
    if (!RANKS.has(plain) && !RANK_MODIFIERS.has(plain)) break;
    i++;
  }
  const noun = words[i]?.replace(/[^\p{L}]/gu, '') ?? '';
  const names =
    noun.length >= 4 &&
    !FUNCTION_WORDS.has(noun) &&
    !NUMBER_WORDS.has(noun) &&
    !PRONOUNS.has(noun) &&
    !OTHER_PRONOUNS.has(noun);
  return names ? noun : '';
}

/** Nouns that name the items of an earlier answer ("the third command", "la dernière recette"). */
export const ITEM_NOUNS: ReadonlySet<string> = new Set(
  (
    'option options item items point points paragraph section idea ideas result ' +
    'results link links sentence bullet entry line lines step steps part verse command commands ' +
    'tip tips recipe version report video match log logs suggestion example question answer ' +
    'idée idées fichier fichiers étape recette lien ligne rapport exemple question réponse ' +
    'idea ideas opción archivo archivos punto paso receta enlace línea informe ejemplo pregunta ' +
    'idee ideen datei dateien punkt schritt rezept zeile bericht beispiel frage antwort'
  ).split(' '),
);

/** 2 when `plain` opens a noun phrase of the message's own, 1 a definite one, else 0. */
function namedAfter(plain: string, words: string[], at: number): 0 | 1 | 2 {
  const counted = NUMBER_WORDS.has(plain) || /^\d+$/.test(plain);
  if (counted) {
    // "the three", "all three", "step 3" count or number items of an earlier answer; "two more
    // variants" asks for more of them.
    const before = words[at - 1]?.replace(/[^\p{L}]/gu, '') ?? '';
    if (DEFINITE_ARTICLES.has(before) || COUNTING_WORDS.test(before)) return 0;
    if (MORE_WORDS.has(words[at + 1]?.replace(/[^\p{L}]/gu, '') ?? '')) return 0;
  }
  const own = counted || OWN_DETERMINERS.has(plain);
  if (!own && !DEFINITE_ARTICLES.has(plain)) return 0;
  for (let j = at + 1; j <= at + 2 && j < words.length; j++) {
    const next = plainWord(words[j]);
    if (next.length < 2 || REFERRING_HEADS.has(next) || PRONOUNS.has(next)) return 0;
    if (GENERIC_NOUNS.has(next) || !FUNCTION_WORDS.has(next)) return own ? 2 : 1;
    if (/[,;:.!?]$/.test(words[j])) return 0;
  }
  return 0;
}

/**
 * Whether the opening words up to `end` are content words only, a bare topic before a break:
 * "kombucha - is it actually good for you?", "coffee stains, how do i get them out".
 */
function isTopic(words: string[], end: number): boolean {
  for (let i = 0; i <= end; i++) {
    const plain = plainWord(words[i]);
    if (plain.length < 3 || FUNCTION_WORDS.has(plain) || PRONOUNS.has(plain)) return false;
  }
  return true;
}

/** A word that points at something rather than naming it, in any of the four languages. */
function isPointer(plain: string, words: string[], at: number): boolean {
  // "there is mould behind my wardrobe" points at nothing; "put it in there" does.
  if (plain === 'theres') return false;
  if (plain === 'there') return !/^(?:is|are|was|were|s)$/.test(words[at + 1] ?? '');
  if (PRONOUNS.has(plain) || OTHER_PRONOUNS.has(plain)) return true;
  // French imperative clitics ("donne-lui", "rends-la"); Spanish clitics on an infinitive or
  // gerund ("quitarla", "superarlo"); German "das" closing a clause ("woran liegt das?").
  if (/\p{L}-(?:le|la|les|lui|leur|en|y)$/u.test(plain)) return true;
  if (/\p{L}{2}(?:ar|er|ir|ando|iendo)(?:se)?(?:lo|la|los|las|le|les)$/u.test(plain)) return true;
  if (plain === 'lo') return !/^(?:que|mismo|de|más|mejor|peor)$/.test(words[at + 1] ?? '');
  if (plain === 'das') {
    return (
      /[?!.,]$/.test(words[at]) ||
      at === words.length - 1 ||
      /^(?:wieder|weg|auch|so|noch|mal|denn|eigentlich|bitte|normal|gefährlich)\b/.test(
        words[at + 1] ?? '',
      )
    );
  }
  return false;
}

const SHARED_PREFIX = 5;

/**
 * Whether the message repeats a word (its first five letters, so "recipe" meets "recipes") of
 * an earlier text: "explain the race condition one" after "… a race condition in the cart …".
 * Only words of four letters or more that name something count.
 */
export function sharesWord(words: string[], earlier: string): boolean {
  const reach = Math.min(words.length, ANTECEDENT_REACH);
  const stems: string[] = [];
  for (let i = 0; i < reach; i++) {
    const plain = plainWord(words[i]);
    if (plain.length >= 4 && !FUNCTION_WORDS.has(plain)) stems.push(plain.slice(0, SHARED_PREFIX));
  }
  if (stems.length === 0) return false;
  const text = earlier.toLowerCase();
  for (const match of text.matchAll(/[\p{L}\p{N}]{4,}/gu)) {
    if (stems.includes(match[0].slice(0, SHARED_PREFIX))) return true;
  }
  return false;
}

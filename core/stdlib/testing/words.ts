import type { Random } from './random.ts';

/**
 * A fixed list of common English words (lowercase a–z, two letters or more, no repeats):
 * the deterministic stand-in for the Faker word list upstream's word nodes draw from.
 */
export const WORDS: readonly string[] = Object.freeze(
  `
  able about above accept across act add afraid after again age ago agree air all allow
  almost alone along already also always amount among and angle animal answer any apple
  area arm army around arrive art ask atom baby back bad ball band bank bar base basket
  bear beat beauty bed bell belong below best better between big bird bit black block
  blood blue board boat body bone book born both bottom box boy branch bread break bright
  bring broad brother brown build burn busy buy call camp can capital captain car card
  care carry case cat catch cause cell center chair chance change charge chart check
  chick child choose circle city class clean clear climb clock close cloth cloud coast
  coat cold collect colony color column come common company compare complete copy corn
  corner cost cotton count country course cover cow crop cross crowd cry current cut
  dance dark day dead deal dear decide deep degree depend desert design develop dictionary
  differ direct discuss distant divide doctor dog dollar door double down draw dream dress
  drink drive drop dry duck during dust duty each ear early earth east easy eat edge
  effect egg eight either electric element else end enemy energy engine enough enter
  equal even evening event ever every exact example except excite expect experience eye
  face fact fair fall family famous far farm fast father favor fear feed feel field fig
  fight figure fill final find fine finger finish fire first fish fit five flat floor
  flow flower fly follow food foot force forest form forward found four free fresh friend
  front fruit full fun game garden gas gather general gentle get gift girl give glad glass
  gold good govern grand grass gray great green ground group grow guess guide gun hair
  half hand happen happy hard hat have head hear heart heat heavy help here high hill
  history hold hole home hope horse hot hour house huge human hunt hurry ice idea inch
  include industry insect instant iron island join joy jump just keep kept key kind king
  kitchen knew know lady lake land language large last late laugh law lay lead learn leave
  left leg length letter level lie life lift light like line liquid list listen little
  live long look lost loud love low machine magnet main major make man many map mark
  market master match matter may meant measure meat meet melody metal method middle might
  mile milk million mind mine minute miss modern molecule moment money month moon more
  morning most mother motion mount mountain mouth move much music must name nation nature
  near neck need neighbor nest never new next night nine noise noon north nose note notice
  noun now number numeral object observe ocean off offer office often oil old once one
  open opposite orange order organ original other our out oxygen page paint pair paper
  paragraph parent part party pass past path pattern pay people perhaps period person
  phrase pick picture piece pitch place plain plan plane planet plant play please plural
  poem point poor populate port pose position possible post pound power practice prepare
  present press pretty print probable problem process produce product proper property
  protect proud prove provide pull push put quart question quick quiet quite quotient race
  radio rail rain raise range rather reach read ready real reason receive record red region
  remember repeat reply rest result rich ride right ring rise river road rock roll room
  root rope rose round row rub rule run safe sail salt same sand save say scale school
  science score sea search season seat second section see seed seem segment select self
  sell send sense sentence separate serve settle seven several shape share sharp sheet
  shell shine ship shoe shop shore short shoulder shout show side sight sign silent silver
  similar simple since sing single sister sit six size skill skin sky sleep slip slow small
  smell smile snow soft soil soldier solution solve some son song soon sound south space
  speak special speech speed spell spend spoke spot spread spring square stand star start
  state station stay steam steel step stick still stone stop store story straight strange
  stream street stretch string strong student study subject substance success sugar suit
  summer sun supply support sure surface surprise swim syllable symbol system table tail
  take talk tall teach team teeth tell ten term test thank thick thin thing third three
  throw tie time tiny tire together tone tool top total touch toward town track trade tree
  triangle trip trouble truck true try tube turn twenty two type under unit until use
  usual valley value vary verb very view village visit voice vowel wait walk wall want
  warm wash watch water wave way wear weather week weight well west wheel white whole wide
  wife wild will win wind window wing winter wire wish woman wonder wood word work world
  write wrong yard year yellow yes young zero
  `
    .trim()
    .split(/\s+/),
);

/**
 * An endless stream of words that repeats none until every word has been used, then starts
 * a fresh shuffle. Mirrors Faker's `fake.unique.word()`, which upstream's `word_counts` and
 * `multi_words_source` use (upstream raises once the list runs out; here the list restarts).
 */
export class WordDeck {
  readonly #random: Random;
  #deck: string[] = [];

  constructor(random: Random) {
    this.#random = random;
  }

  /** The next unused word. */
  draw(): string {
    if (this.#deck.length === 0) this.#deck = this.#random.shuffle(WORDS);
    return this.#deck.pop()!;
  }

  /** `n` distinct words (reshuffles first when fewer than `n` are left in this round). */
  drawMany(n: number): string[] {
    if (n > WORDS.length) {
      throw new RangeError(`cannot draw ${n} distinct words from a list of ${WORDS.length}`);
    }
    if (this.#deck.length < n) this.#deck = this.#random.shuffle(WORDS);
    return this.#deck.splice(this.#deck.length - n, n);
  }
}

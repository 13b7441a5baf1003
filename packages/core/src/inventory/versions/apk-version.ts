import { compareDigitRuns, isDigit } from './numeric-string.js';

/*
 * Alpine's apk version grammar (apk-tools src/version.c):
 *   digit{.digit}...{letter}{_suf{#}}...{~hash}{-r#}
 * Token kinds are ordered: a version that ends early, or turns invalid,
 * sorts before one that goes on with a greater token kind.
 */
const enum Token {
  InitialDigit = 0,
  Digit = 1,
  Letter = 2,
  Suffix = 3,
  SuffixNumber = 4,
  CommitHash = 5,
  RevisionNumber = 6,
  End = 7,
  Invalid = 8,
}

/** Suffix ranks: pre-release suffixes sort below "no suffix", post-release ones above. */
const SUFFIX_RANK: Readonly<Record<string, number>> = {
  alpha: 1,
  beta: 2,
  pre: 3,
  rc: 4,
  cvs: 6,
  svn: 7,
  git: 8,
  hg: 9,
  p: 10,
};
const SUFFIX_NONE = 5;

interface TokenState {
  token: Token;
  /** The token's text (digits, letter, suffix name or hash). */
  value: string;
  suffix: number;
}

class Tokenizer {
  private position = 0;
  readonly state: TokenState = { token: Token.InitialDigit, value: '', suffix: 0 };

  constructor(private readonly text: string) {
    this.digits(Token.InitialDigit);
  }

  private digits(token: Token): void {
    const start = this.position;
    while (this.position < this.text.length && isDigit(this.text.charCodeAt(this.position))) this.position++;
    this.state.value = this.text.slice(start, this.position);
    this.state.token = this.state.value === '' ? Token.Invalid : token;
  }

  next(): void {
    const { text, state } = this;
    if (this.position >= text.length) {
      state.token = Token.End;
      return;
    }
    const ch = text[this.position] as string;
    const code = ch.charCodeAt(0);
    if (code >= 97 && code <= 122) {
      if (state.token > Token.Digit) return this.invalid();
      state.value = ch;
      state.token = Token.Letter;
      this.position++;
      return;
    }
    if (ch === '.' || isDigit(code)) {
      if (ch === '.') {
        if (state.token > Token.Digit) return this.invalid();
        this.position++;
      }
      if (state.token === Token.InitialDigit || state.token === Token.Digit) return this.digits(Token.Digit);
      if (state.token === Token.Suffix) return this.digits(Token.SuffixNumber);
      return this.invalid();
    }
    if (ch === '_') {
      if (state.token > Token.SuffixNumber) return this.invalid();
      this.position++;
      const start = this.position;
      while (this.position < text.length && /[a-z]/.test(text[this.position] as string)) this.position++;
      state.value = text.slice(start, this.position);
      const rank = SUFFIX_RANK[state.value];
      if (rank === undefined) return this.invalid();
      state.suffix = rank;
      state.token = Token.Suffix;
      return;
    }
    if (ch === '~') {
      if (state.token >= Token.CommitHash) return this.invalid();
      this.position++;
      const start = this.position;
      while (this.position < text.length && /[0-9a-f]/.test(text[this.position] as string)) this.position++;
      state.value = text.slice(start, this.position);
      if (state.value === '') return this.invalid();
      state.token = Token.CommitHash;
      return;
    }
    if (ch === '-') {
      if (state.token >= Token.RevisionNumber || text[this.position + 1] !== 'r') return this.invalid();
      this.position += 2;
      return this.digits(Token.RevisionNumber);
    }
    return this.invalid();
  }

  private invalid(): void {
    this.state.token = Token.Invalid;
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareTokens(a: TokenState, b: TokenState): number {
  switch (a.token) {
    case Token.Digit:
      // A component with a leading zero compares as a string (Gentoo's rule: 1.02 < 1.1).
      if (a.value.startsWith('0') || b.value.startsWith('0')) return compareStrings(a.value, b.value);
      return compareDigitRuns(a.value, b.value);
    case Token.InitialDigit:
    case Token.SuffixNumber:
    case Token.RevisionNumber:
      return compareDigitRuns(a.value, b.value);
    case Token.Letter:
      return compareStrings(a.value, b.value);
    case Token.Suffix:
      return a.suffix === b.suffix ? 0 : a.suffix < b.suffix ? -1 : 1;
    default:
      return compareStrings(a.value, b.value);
  }
}

/**
 * Order two Alpine package versions the way `apk version -t` does:
 * `1.3_alpha < 1.3 < 1.3_p1 < 1.3-r1`, `_alpha < _beta < _pre < _rc`.
 * Malformed versions still get a total order (an invalid tail sorts lowest),
 * so this never throws.
 *
 * @example compareApkVersions('1.2.2-r1', '1.2.2') // 1
 */
export function compareApkVersions(a: string, b: string): number {
  const x = new Tokenizer(a.trim());
  const y = new Tokenizer(b.trim());
  while (x.state.token === y.state.token && x.state.token < Token.End) {
    const result = compareTokens(x.state, y.state);
    if (result !== 0) return result;
    x.next();
    y.next();
  }
  const ta = x.state;
  const tb = y.state;
  if (ta.token === tb.token) return 0;
  if (ta.token === Token.Suffix && ta.suffix < SUFFIX_NONE) return -1;
  if (tb.token === Token.Suffix && tb.suffix < SUFFIX_NONE) return 1;
  return ta.token > tb.token ? -1 : 1;
}

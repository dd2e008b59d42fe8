// A small PowerShell tokenizer, enough to judge what a command line runs (guardrails.ts) and to
// interpret simple commands in the stand-in pwsh. It follows the PowerShell language rules that
// matter for that: single/double-quoted strings and here-strings, comments (`#`, `<# #>`), backtick
// escapes and line continuations, statement separators (`;` newline `&&` `||`), pipes, the call
// operators `&` and `.`, script blocks, subexpressions `$()`/`@()`, hashtables, type literals and
// member access. It does not evaluate anything.

export type Token =
  /** A bareword (command name, argument, number, keyword). `value` has escapes and embedded quotes resolved. */
  | { kind: 'word'; text: string; value: string; start: number; escaped: boolean; quoted: boolean; expandable: boolean }
  /** `-Name` or `-Name:` (the colon form binds the next element). */
  | { kind: 'parameter'; text: string; name: string; start: number; colon: boolean }
  /** `expandable` is true when a double-quoted string holds `$` (variables or subexpressions). */
  | { kind: 'string'; text: string; value: string; start: number; double: boolean; expandable: boolean; subexpressions: string[] }
  | { kind: 'variable'; text: string; name: string; start: number; splat: boolean }
  /** `[Type.Name]` */
  | { kind: 'type'; text: string; name: string; start: number }
  /** `.Name` or `::Name` directly after an expression */
  | { kind: 'member'; text: string; name: string; start: number; static: boolean }
  | { kind: 'open'; text: '(' | '$(' | '@(' | '{' | '@{'; start: number }
  | { kind: 'close'; text: ')' | '}'; start: number }
  | { kind: 'operator'; text: string; start: number }
  | { kind: 'newline'; text: string; start: number };

export class PwshSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} (at character ${position + 1})`);
    this.name = 'PwshSyntaxError';
  }
}

const WORD_END = new Set([' ', '\t', '\r', '\n', '(', ')', '{', '}', ';', '|', ',', '&']);
const SPACE = new Set([' ', '\t', '\f', '\v', '\u00a0']);
const OPERATOR_CHARS = '+*/%=!<>';
/** PowerShell accepts the typographic quotes as quote characters too. */
const SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b";
const DOUBLE_QUOTES = '"\u201c\u201d\u201e';
const isSingleQuote = (c: string | undefined) => c !== undefined && c !== '' && SINGLE_QUOTES.includes(c);
const isDoubleQuote = (c: string | undefined) => c !== undefined && c !== '' && DOUBLE_QUOTES.includes(c);

/** PowerShell's backtick escapes (about_Special_Characters); any other escaped character stands for itself. */
export function backtickEscape(c: string): string {
  const map: Record<string, string> = { '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
  return map[c] ?? c;
}

export interface TokenizeResult {
  tokens: Token[];
  /** Index just after the last character read (after the closing `)` when stopAtClose). */
  end: number;
}

/**
 * Splits PowerShell source into tokens. With `stopAtClose`, stops at the `)` that closes a
 * subexpression opened before `start` (used for `$(...)` inside double-quoted strings).
 */
export function tokenize(src: string, start = 0, stopAtClose = false): TokenizeResult {
  const tokens: Token[] = [];
  let i = start;
  let depth = 0;
  const last = () => tokens[tokens.length - 1];
  // Member access (`$x.Invoke`, `[T]::Create`, `{ }.Invoke()`) only directly after an expression, without a space.
  const adjacentToExpression = () => {
    const t = last();
    if (!t) return false;
    const end = t.start + t.text.length;
    if (end !== i) return false;
    return t.kind === 'variable' || t.kind === 'type' || t.kind === 'member' || t.kind === 'string' || t.kind === 'close';
  };

  while (i < src.length) {
    const c = src[i];
    const next = src[i + 1] ?? '';
    if (SPACE.has(c)) {
      i++;
      continue;
    }
    if (c === '`' && (next === '\n' || (next === '\r' && src[i + 2] === '\n'))) {
      i += next === '\r' ? 3 : 2; // line continuation
      continue;
    }
    if (c === '\n' || c === '\r') {
      tokens.push({ kind: 'newline', text: c, start: i });
      i++;
      continue;
    }
    if (c === '<' && next === '#') {
      const close = src.indexOf('#>', i + 2);
      if (close < 0) throw new PwshSyntaxError('Unterminated block comment <# ... #>', i);
      i = close + 2;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '@' && (isDoubleQuote(next) || isSingleQuote(next)) && /^[ \t]*\r?\n/.test(src.slice(i + 2))) {
      const s = readHereString(src, i);
      tokens.push(s.token);
      i = s.end;
      continue;
    }
    if (isSingleQuote(c)) {
      const s = readSingleQuoted(src, i);
      tokens.push({ kind: 'string', text: src.slice(i, s.end), value: s.value, start: i, double: false, expandable: false, subexpressions: [] });
      i = s.end;
      continue;
    }
    if (isDoubleQuote(c)) {
      const s = readDoubleQuoted(src, i + 1, '"');
      tokens.push({
        kind: 'string',
        text: src.slice(i, s.end),
        value: s.value,
        start: i,
        double: true,
        expandable: s.expandable,
        subexpressions: s.subexpressions,
      });
      i = s.end;
      continue;
    }
    if (c === '$' && next === '(') {
      tokens.push({ kind: 'open', text: '$(', start: i });
      depth++;
      i += 2;
      continue;
    }
    if (c === '@' && (next === '(' || next === '{')) {
      tokens.push({ kind: 'open', text: next === '(' ? '@(' : '@{', start: i });
      depth++;
      i += 2;
      continue;
    }
    if (c === '(' || c === '{') {
      tokens.push({ kind: 'open', text: c, start: i });
      depth++;
      i++;
      continue;
    }
    if (c === ')' || c === '}') {
      if (stopAtClose && depth === 0) {
        if (c !== ')') throw new PwshSyntaxError(`Unexpected '${c}' in a subexpression`, i);
        return { tokens, end: i + 1 };
      }
      tokens.push({ kind: 'close', text: c, start: i });
      depth--;
      i++;
      continue;
    }
    if (c === '$' || (c === '@' && /[A-Za-z_]/.test(next))) {
      const v = readVariable(src, i);
      tokens.push(v.token);
      i = v.end;
      continue;
    }
    if (c === '[' && /[A-Za-z_]/.test(next) && !(last() && last().start + last().text.length === i && last().kind === 'word')) {
      const end = matchBracket(src, i);
      if (end > 0) {
        tokens.push({ kind: 'type', text: src.slice(i, end), name: src.slice(i + 1, end - 1).trim(), start: i });
        i = end;
        continue;
      }
    }
    if (c === ':' && next === ':' && /[A-Za-z_]/.test(src[i + 2] ?? '')) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i + 2))!;
      tokens.push({ kind: 'member', text: src.slice(i, i + 2 + m[0].length), name: m[0], start: i, static: true });
      i += 2 + m[0].length;
      continue;
    }
    if (c === '.' && /[A-Za-z_]/.test(next) && adjacentToExpression()) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i + 1))!;
      tokens.push({ kind: 'member', text: src.slice(i, i + 1 + m[0].length), name: m[0], start: i, static: false });
      i += 1 + m[0].length;
      continue;
    }
    if (c === '|' || c === ';' || c === ',' || c === '&') {
      const two = src.slice(i, i + 2);
      const op = two === '||' || two === '&&' ? two : c;
      tokens.push({ kind: 'operator', text: op, start: i });
      i += op.length;
      continue;
    }
    // The dot-source operator is a lone `.` followed by a space, a block, a variable or a string.
    if (c === '.' && (next === '' || SPACE.has(next) || '{($"\''.includes(next))) {
      tokens.push({ kind: 'operator', text: '.', start: i });
      i++;
      continue;
    }
    const redirect = /^(?:\d|\*)?>>?(?:&\d)?|^</.exec(src.slice(i, i + 5));
    if (redirect && (c === '>' || c === '<' || src[i + 1] === '>')) {
      tokens.push({ kind: 'operator', text: redirect[0], start: i });
      i += redirect[0].length;
      continue;
    }
    if (OPERATOR_CHARS.includes(c) && (c === '=' || next === '' || SPACE.has(next) || '\'"$(@'.includes(next) || OPERATOR_CHARS.includes(next))) {
      let j = i;
      while (j < src.length && OPERATOR_CHARS.includes(src[j])) j++;
      tokens.push({ kind: 'operator', text: src.slice(i, j), start: i });
      i = j;
      continue;
    }
    if (c === '-' && /[A-Za-z_?]/.test(next)) {
      const m = /^-([A-Za-z_?][A-Za-z0-9_?-]*)(:?)/.exec(src.slice(i))!;
      tokens.push({ kind: 'parameter', text: m[0], name: m[1], start: i, colon: m[2] === ':' });
      i += m[0].length;
      continue;
    }
    const w = readWord(src, i);
    tokens.push(w.token);
    i = w.end;
  }
  if (stopAtClose) throw new PwshSyntaxError('Missing closing ) of a subexpression $(', start);
  return { tokens, end: i };
}

function readSingleQuoted(src: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  for (;;) {
    if (i >= src.length) throw new PwshSyntaxError('Unterminated single-quoted string', start);
    if (isSingleQuote(src[i])) {
      if (isSingleQuote(src[i + 1])) {
        value += src[i + 1];
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += src[i++];
  }
}

interface DoubleQuoted {
  value: string;
  end: number;
  expandable: boolean;
  subexpressions: string[];
}

/** Reads a double-quoted body from `start` (after the opening quote) up to `terminator`. */
function readDoubleQuoted(src: string, start: number, terminator: '"' | '\n"@'): DoubleQuoted {
  let value = '';
  let expandable = false;
  const subexpressions: string[] = [];
  let i = start;
  for (;;) {
    if (i >= src.length) throw new PwshSyntaxError('Unterminated double-quoted string', start - 1);
    if (terminator === '"' && isDoubleQuote(src[i])) {
      if (isDoubleQuote(src[i + 1])) {
        value += src[i + 1];
        i += 2;
        continue;
      }
      return { value, end: i + 1, expandable, subexpressions };
    }
    if (terminator !== '"' && src.startsWith('\n"@', i)) {
      return { value, end: i + 3, expandable, subexpressions };
    }
    if (src[i] === '`' && i + 1 < src.length) {
      value += backtickEscape(src[i + 1]);
      i += 2;
      continue;
    }
    if (src[i] === '$' && src[i + 1] === '(') {
      const inner = tokenize(src, i + 2, true);
      subexpressions.push(src.slice(i + 2, inner.end - 1));
      expandable = true;
      value += src.slice(i, inner.end);
      i = inner.end;
      continue;
    }
    if (src[i] === '$' && /[A-Za-z_{:?^$]/.test(src[i + 1] ?? '')) expandable = true;
    value += src[i++];
  }
}

function readHereString(src: string, start: number): { token: Token; end: number } {
  const double = isDoubleQuote(src[start + 1]);
  const bodyStart = src.indexOf('\n', start) + 1;
  if (double) {
    const s = readDoubleQuoted(src, bodyStart, '\n"@');
    return {
      token: { kind: 'string', text: src.slice(start, s.end), value: s.value.replace(/\r$/, ''), start, double: true, expandable: s.expandable, subexpressions: s.subexpressions },
      end: s.end,
    };
  }
  const close = src.indexOf("\n'@", bodyStart - 1);
  if (close < 0) throw new PwshSyntaxError("Unterminated here-string @' ... '@", start);
  const value = close < bodyStart ? '' : src.slice(bodyStart, close).replace(/\r$/, '');
  return {
    token: { kind: 'string', text: src.slice(start, close + 3), value, start, double: false, expandable: false, subexpressions: [] },
    end: close + 3,
  };
}

function readVariable(src: string, start: number): { token: Token; end: number } {
  const splat = src[start] === '@';
  if (src[start + 1] === '{') {
    const close = src.indexOf('}', start + 2);
    if (close < 0) throw new PwshSyntaxError('Unterminated variable name ${...}', start);
    return { token: { kind: 'variable', text: src.slice(start, close + 1), name: src.slice(start + 2, close), start, splat }, end: close + 1 };
  }
  const m = /^(?:[A-Za-z_][A-Za-z0-9_]*:)?[A-Za-z0-9_]+|^[$?^_]/.exec(src.slice(start + 1));
  const name = m ? m[0] : '';
  return { token: { kind: 'variable', text: src.slice(start, start + 1 + name.length), name, start, splat }, end: start + 1 + name.length };
}

/** The end (exclusive) of a `[...]` type literal, nested brackets allowed; -1 when it is not one. */
function matchBracket(src: string, start: number): number {
  let depth = 0;
  for (let i = start; i < src.length; i++) {
    if (src[i] === '[') depth++;
    else if (src[i] === ']') {
      depth--;
      if (depth === 0) return i + 1;
    } else if (!/[A-Za-z0-9_.,` ]/.test(src[i])) return -1;
  }
  return -1;
}

/**
 * A generic token as PowerShell reads it in command mode: backticks escape the next character,
 * quoted parts join the word (`Ins'tall'-Module` is one word), `$` makes it expandable.
 */
function readWord(src: string, start: number): { token: Token; end: number } {
  let value = '';
  let escaped = false;
  let quoted = false;
  let expandable = false;
  let i = start;
  while (i < src.length && !WORD_END.has(src[i])) {
    const c = src[i];
    // `key=value` in a hashtable: a plain identifier ends at `=`.
    if (c === '=' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(src.slice(start, i))) break;
    if (c === '`') {
      if (i + 1 >= src.length || src[i + 1] === '\n' || src[i + 1] === '\r') break;
      value += backtickEscape(src[i + 1]);
      escaped = true;
      i += 2;
      continue;
    }
    if (isSingleQuote(c)) {
      const s = readSingleQuoted(src, i);
      value += s.value;
      quoted = true;
      i = s.end;
      continue;
    }
    if (isDoubleQuote(c)) {
      const s = readDoubleQuoted(src, i + 1, '"');
      value += s.value;
      quoted = true;
      expandable ||= s.expandable;
      i = s.end;
      continue;
    }
    if (c === '$') expandable = true;
    value += c;
    i++;
  }
  if (i === start) throw new PwshSyntaxError(`Unexpected character '${src[i]}'`, i);
  return { token: { kind: 'word', text: src.slice(start, i), value, start, escaped, quoted, expandable }, end: i };
}

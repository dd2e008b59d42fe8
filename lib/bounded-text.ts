// Text that comes from outside (tool arguments, registry fields, template fields, names) is bounded
// in length and free of control characters where they mean nothing: NUL, ESC (terminal escapes in a
// log or a table), DEL and C1 controls, and the bidirectional embeddings, overrides and isolates
// (U+202A–U+202E, U+2066–U+2069) that make text read differently from what it is. Multi-line bodies
// (template HTML and text, PowerShell scripts, reply messages) keep tab, newline and carriage return.
// Names (connections, template ids, tokens) also refuse the reserved words that reach prototypes
// when used as object keys, dot names and path separators.
import { z } from 'zod';

// Matching control characters is the point here.
/* eslint-disable no-control-regex */
const SINGLE_LINE_CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;
const MULTI_LINE_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;
/* eslint-enable no-control-regex */

/** The usual bounds, in characters, for fields that say nothing more specific. */
export const TEXT_LIMITS = {
  /** A name, an id, an address, a short label. */
  name: 64,
  /** A title, a display name, an identifier from elsewhere (a URL, a message id). */
  short: 256,
  /** A description, a note, a reason. */
  note: 2000,
  /** A multi-line body: a template's HTML or text, a script. */
  body: 200_000,
} as const;

/** "contains a control character (U+001B at 4); remove it", or undefined when `value` has none. */
export function controlCharacterProblem(value: string, multiline = false): string | undefined {
  const match = (multiline ? MULTI_LINE_CONTROL : SINGLE_LINE_CONTROL).exec(value);
  if (!match) return undefined;
  const code = match[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return `contains a control character (U+${code} at position ${match.index})${multiline ? '' : ' or a line break'}; remove it`;
}

export const RESERVED_NAMES = ['__proto__', 'constructor', 'prototype'] as const;

/** Why `name` cannot name a connection, a template or a token (reserved word, dot name, path separator), or undefined. */
export function nameProblem(name: string): string | undefined {
  if ((RESERVED_NAMES as readonly string[]).includes(name.toLowerCase())) return `'${name}' is a reserved word (${RESERVED_NAMES.join(', ')}); choose another name`;
  if (name.startsWith('.')) return `must not start with a dot ('.', '..' and hidden names are refused)`;
  if (/[/\\]/.test(name)) return 'must not contain a path separator (/ or \\)';
  return controlCharacterProblem(name);
}

/** A single-line string of at most `max` characters, without control characters. */
export function line(max: number = TEXT_LIMITS.short) {
  return z
    .string()
    .max(max, { error: `must be at most ${max} characters` })
    .refine((v) => controlCharacterProblem(v) === undefined, { error: (issue) => controlCharacterProblem(issue.input as string) });
}

/** A multi-line string (tab, newline and carriage return kept) of at most `max` characters, without other control characters. */
export function multiline(max: number = TEXT_LIMITS.body) {
  return z
    .string()
    .max(max, { error: `must be at most ${max} characters` })
    .refine((v) => controlCharacterProblem(v, true) === undefined, { error: (issue) => controlCharacterProblem(issue.input as string, true) });
}

/** The first string inside `value` (keys included) with a control character, as "at path: problem". */
function nestedControlProblem(value: unknown, at = ''): string | undefined {
  if (typeof value === 'string') {
    const problem = controlCharacterProblem(value, true);
    return problem && `${at || 'value'}: ${problem}`;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const problem = nestedControlProblem(item, `${at}[${i}]`);
      if (problem) return problem;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const problem = controlCharacterProblem(key) ? `${at ? `${at}.` : ''}${key}: a key ${controlCharacterProblem(key)}` : nestedControlProblem(item, at ? `${at}.${key}` : key);
      if (problem) return problem;
    }
  }
  return undefined;
}

/** A free-form JSON object (a Graph body, a settings bag): at most `maxChars` as JSON, no control characters in its strings but line breaks and tabs. */
export function jsonObject(maxChars: number = TEXT_LIMITS.body) {
  return z
    .record(z.string(), z.unknown())
    .refine((v) => JSON.stringify(v).length <= maxChars, { error: `must be at most ${maxChars} characters as JSON` })
    .refine((v) => nestedControlProblem(v) === undefined, { error: (issue) => nestedControlProblem(issue.input) });
}

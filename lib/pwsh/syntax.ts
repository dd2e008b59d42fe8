// Groups tokens into PowerShell's statement structure: a script is a list of pipelines (separated by
// `;`, newlines, `&&`, `||`), a pipeline a list of commands (separated by `|`), a command a list of
// elements, where `{}`, `()`, `$()`, `@()` and `@{}` are nested scripts.
import { PwshSyntaxError, tokenize, type Token } from './tokenizer';

export interface Block {
  kind: 'block';
  open: '(' | '$(' | '@(' | '{' | '@{';
  body: Script;
  text: string;
  start: number;
}

export type Element = Token | Block;

export interface Command {
  /** `&` (call) or `.` (dot-source) in front of the command. */
  invocation?: '&' | '.';
  elements: Element[];
}

export type Pipeline = Command[];

export interface Script {
  pipelines: Pipeline[];
}

const CLOSER: Record<Block['open'], ')' | '}'> = { '(': ')', '$(': ')', '@(': ')', '{': '}', '@{': '}' };

export function parseScript(src: string): Script {
  const { tokens } = tokenize(src);
  const state = { pos: 0 };
  const script = parseTokens(src, tokens, state, undefined);
  return script;
}

function parseTokens(src: string, tokens: Token[], state: { pos: number }, closer: ')' | '}' | undefined): Script {
  const pipelines: Pipeline[] = [];
  let pipeline: Pipeline = [];
  let command: Command = { elements: [] };
  const endCommand = () => {
    if (command.elements.length || command.invocation) pipeline.push(command);
    command = { elements: [] };
  };
  const endPipeline = () => {
    endCommand();
    if (pipeline.length) pipelines.push(pipeline);
    pipeline = [];
  };

  while (state.pos < tokens.length) {
    const t = tokens[state.pos++];
    if (t.kind === 'newline' || (t.kind === 'operator' && [';', '&&', '||'].includes(t.text))) {
      endPipeline();
    } else if (t.kind === 'operator' && t.text === '|') {
      // PowerShell 7 lets a pipe start the next line: it continues the previous pipeline.
      if (!command.elements.length && !pipeline.length && pipelines.length) pipeline = pipelines.pop()!;
      endCommand();
    } else if (t.kind === 'operator' && (t.text === '&' || t.text === '.')) {
      if (!command.elements.length && !command.invocation) command.invocation = t.text;
      else if (t.text === '&') endPipeline(); // `cmd &` runs it as a background job
      else command.elements.push(t);
    } else if (t.kind === 'open') {
      const body = parseTokens(src, tokens, state, CLOSER[t.text]);
      const end = tokens[state.pos - 1];
      command.elements.push({ kind: 'block', open: t.text, body, text: src.slice(t.start, end.start + 1), start: t.start });
    } else if (t.kind === 'close') {
      if (t.text !== closer) throw new PwshSyntaxError(`Unexpected '${t.text}'`, t.start);
      endPipeline();
      return { pipelines };
    } else {
      command.elements.push(t);
    }
  }
  if (closer) throw new PwshSyntaxError(`Missing closing '${closer}'`, src.length);
  endPipeline();
  return { pipelines };
}

/** The literal text of an element when it is a constant (bareword or non-expanding string). */
export function literalValue(e: Element | undefined): string | undefined {
  if (!e) return undefined;
  if (e.kind === 'string' && !e.expandable) return e.value;
  if (e.kind === 'word' && !e.expandable) return e.value;
  return undefined;
}

/** Named and positional arguments of a command (elements after its name). */
export interface Arguments {
  named: { name: string; value?: Element }[];
  positional: Element[];
}

export function commandArguments(elements: Element[]): Arguments {
  const named: Arguments['named'] = [];
  const positional: Element[] = [];
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i];
    if (e.kind === 'parameter') {
      const next = elements[i + 1];
      // A switch is followed by another parameter or nothing; otherwise the next element is its value.
      if (next && next.kind !== 'parameter') {
        named.push({ name: e.name, value: next });
        i++;
      } else {
        named.push({ name: e.name });
      }
    } else {
      positional.push(e);
    }
  }
  return { named, positional };
}

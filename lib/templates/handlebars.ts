// The Handlebars dialect templates are written in, and what a template uses. A private environment
// (nothing registered globally can leak in), the built-in helpers only, no partials or decorators,
// no unescaped output in HTML. Variables are read from the parsed template, not guessed with regexes.
import type HandlebarsLib from 'handlebars';
import { lazyRequire } from '../lazy-require';
import { TemplateValidationError } from './errors';

const handlebarsLib = lazyRequire<typeof HandlebarsLib>('handlebars');
let environment: typeof HandlebarsLib | undefined;
/** The private environment, made on first use. */
const handlebars = () => (environment ??= handlebarsLib().create());

export const HELPERS = ['if', 'unless', 'each', 'with', 'lookup'] as const;
/** Helpers whose block body runs against a different context (an item, an object). */
const CONTEXT_HELPERS = new Set(['each', 'with']);
/** Names that would reach into prototypes, never allowed as variables. */
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype', '__defineGetter__', '__defineSetter__', '__lookupGetter__']);

export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function checkVariableName(name: string): void {
  if (!VARIABLE_NAME.test(name) || FORBIDDEN_NAMES.has(name)) {
    throw new TemplateValidationError(
      'variables',
      `variables: '${name}' is not a valid variable name; use letters, digits and _ (starting with a letter), e.g. firstName.`,
    );
  }
}

export interface TemplateUse {
  /** Top-level variables the template reads, in first-use order. */
  variables: string[];
}

type Node = hbs.AST.Node;

/**
 * Parses `source` and returns the top-level variables it reads. Throws TemplateValidationError
 * (naming `field`) for a syntax error, an unknown helper, a partial, or `{{{unescaped}}}` output
 * when `html` is set.
 */
export function analyseTemplate(source: string, field: string, options: { html: boolean }): TemplateUse {
  let program: hbs.AST.Program;
  try {
    program = handlebars().parse(source);
  } catch (error) {
    const detail = (error as Error).message.split('\n')[0];
    throw new TemplateValidationError(field, `${field} is not a valid Handlebars template: ${detail}`);
  }
  const found = new Set<string>();
  const fail = (message: string): never => {
    throw new TemplateValidationError(field, `${field}: ${message}`);
  };

  // `scope` counts how many context-changing blocks enclose the node; a path reaches the template's
  // own variables only when its `../` depth climbs back to the top (or it starts with @root).
  const visitPath = (path: hbs.AST.PathExpression, scope: number) => {
    if (path.data) {
      if (path.parts[0] === 'root' && path.parts.length > 1) addVariable(path.parts[1]);
      return;
    }
    if (scope - path.depth > 0 || path.parts.length === 0) return;
    addVariable(path.parts[0]);
  };
  const addVariable = (name: string) => {
    if (FORBIDDEN_NAMES.has(name)) fail(`'${name}' cannot be used as a variable.`);
    found.add(name);
  };
  const visitExpression = (node: Node, scope: number) => {
    switch (node.type) {
      case 'PathExpression':
        visitPath(node as hbs.AST.PathExpression, scope);
        break;
      case 'SubExpression':
        visitCall(node as hbs.AST.SubExpression, scope);
        break;
      default:
        break; // literals
    }
  };
  /** A mustache, block or sub-expression: a helper call when it has arguments or names a helper. */
  const visitCall = (
    node: hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression,
    scope: number,
  ): 'helper' | 'variable' => {
    const path = node.path as hbs.AST.PathExpression | hbs.AST.Literal;
    const hashPairs = node.hash?.pairs ?? [];
    const name = path.type === 'PathExpression' ? (path as hbs.AST.PathExpression).original : undefined;
    const isHelper = node.params.length > 0 || hashPairs.length > 0 || (name !== undefined && (HELPERS as readonly string[]).includes(name));
    if (isHelper) {
      if (name === undefined || !(HELPERS as readonly string[]).includes(name)) {
        fail(`'${name ?? '?'}' is not an available helper; use ${HELPERS.join(', ')}.`);
      }
      for (const param of node.params) visitExpression(param, scope);
      for (const pair of hashPairs) visitExpression(pair.value, scope);
      return 'helper';
    }
    visitExpression(path, scope);
    return 'variable';
  };
  const visitProgram = (block: hbs.AST.Program | undefined, scope: number) => {
    for (const statement of block?.body ?? []) visitStatement(statement, scope);
  };
  const visitStatement = (node: Node, scope: number) => {
    switch (node.type) {
      case 'ContentStatement':
      case 'CommentStatement':
        return;
      case 'MustacheStatement': {
        const mustache = node as hbs.AST.MustacheStatement;
        if (options.html && !mustache.escaped) {
          fail('{{{…}}} and {{&…}} insert unescaped HTML; use {{name}} so values are escaped.');
        }
        visitCall(mustache, scope);
        return;
      }
      case 'BlockStatement': {
        const block = node as hbs.AST.BlockStatement;
        const kind = visitCall(block, scope);
        const name = (block.path as hbs.AST.PathExpression).original;
        // A block over a plain variable ({{#items}}…) iterates or enters it, like each/with.
        const changesContext = kind === 'variable' || CONTEXT_HELPERS.has(name);
        visitProgram(block.program, changesContext ? scope + 1 : scope);
        visitProgram(block.inverse, scope);
        return;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement':
        return fail('partials ({{> name}}) are not available in templates.');
      default:
        return fail(`${node.type} is not available in templates.`);
    }
  };
  visitProgram(program, 0);
  return { variables: [...found] };
}

const COMPILE_OPTIONS = {
  strict: true,
  knownHelpersOnly: true,
  knownHelpers: Object.fromEntries(HELPERS.map((h) => [h, true])),
};

export function compile(source: string, options: { escape: boolean }): HandlebarsTemplateDelegate {
  return handlebars().compile(source, { ...COMPILE_OPTIONS, noEscape: !options.escape });
}

/** Runtime options: the prototype guards are Handlebars' defaults; stated so no one loosens them by accident. */
export const RUNTIME_OPTIONS: Handlebars.RuntimeOptions = {
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
};

// A tool's arguments checked against its zod schema, the problems worded for the model that sent
// them: one line per problem, the field first, and for a missing or mistyped field what the field is
// for (its .describe() text), so the next call can be right: "password: required — Initial password
// (8+ chars, …)" rather than "expected string, received undefined at password".
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { toolError } from './results';

type Def = { type: string; innerType?: z.ZodType; in?: z.ZodType; out?: z.ZodType; element?: z.ZodType; shape?: Record<string, z.ZodType>; options?: z.ZodType[] };
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The schemas a value passes through on its way in: optional, default, nullable, a preprocess pipe. */
function layers(schema: z.ZodType | undefined): z.ZodType[] {
  const out: z.ZodType[] = [];
  let s = schema;
  while (s && out.length < 10) {
    out.push(s);
    const def = defOf(s);
    if (def.innerType) s = def.innerType;
    else if (def.type === 'pipe') s = defOf(def.in!).type === 'transform' ? def.out : def.in;
    else break;
  }
  return out;
}

/** The description of the field at `path` (the innermost one said), if any. */
export function descriptionAt(schema: z.ZodType, path: PropertyKey[]): string | undefined {
  let found: string | undefined;
  let current: z.ZodType | undefined = schema;
  for (const key of path) {
    const inner: z.ZodType | undefined = layers(current).find((s) => ['object', 'array', 'record'].includes(defOf(s).type));
    if (!inner) return found;
    const def = defOf(inner);
    current = def.type === 'object' ? def.shape?.[String(key)] : def.type === 'array' ? def.element : (def as { valueType?: z.ZodType }).valueType;
    if (!current) return found;
    found = layers(current).map((s) => s.description).find(Boolean) ?? (typeof key === 'number' ? found : undefined);
  }
  return found;
}

const valueAt = (args: unknown, path: PropertyKey[]): unknown =>
  path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), args);

const dotPath = (path: PropertyKey[]) => path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('');

/** For a value no alternative took: the reason of the alternative it came closest to (not a plain wrong type). */
function unionReason(issue: z.core.$ZodIssue): string | undefined {
  const branches = (issue as { errors?: z.core.$ZodIssue[][] }).errors ?? [];
  const reasons = branches.flat().filter((i) => i.code !== 'invalid_type');
  const best = reasons[0] ?? branches.flat()[0];
  return best ? `${best.message}${best.path.length ? ` at ${dotPath(best.path)}` : ''}` : undefined;
}

/** One line per problem: "field: required — what it is for", "field: <zod's message> — what it is for". */
export function argumentProblems(error: z.ZodError, schema: z.ZodType, args: unknown): string {
  const lines = error.issues.map((issue) => {
    const field = dotPath(issue.path) || 'arguments';
    const description = issue.path.length ? descriptionAt(schema, issue.path) : undefined;
    const missing = issue.code === 'invalid_type' && valueAt(args, issue.path) === undefined;
    if (missing) return `${field}: required${description ? ` — ${description}` : ''}`;
    const said = issue.code === 'invalid_union' ? (unionReason(issue) ?? issue.message) : issue.message;
    const message = said.startsWith(`${field}:`) ? said.slice(field.length + 1).trim() : said;
    return `${field}: ${message}${description && issue.code === 'invalid_type' ? ` — ${description}` : ''}`;
  });
  return [...new Set(lines)].join('\n');
}

/** The schema's verdict on a tool's arguments: the parsed values, or the answer listing the problems. */
export async function checkArguments(schema: z.ZodType, args: unknown): Promise<{ data: unknown } | { answer: CallToolResult }> {
  const parsed = await schema.safeParseAsync(args ?? {});
  if (parsed.success) return { data: parsed.data };
  const first = parsed.error.issues[0];
  return { answer: toolError(argumentProblems(parsed.error, schema, args ?? {}), first?.path.length ? { field: dotPath(first.path) } : undefined) };
}

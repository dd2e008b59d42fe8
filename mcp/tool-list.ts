// The MCP server whose tools/list leaves out what tells a client nothing new: the JSON Schema dialect
// (`$schema`, draft-07 for every tool), `execution: {taskSupport: 'forbidden'}` (the protocol's
// default), annotation hints equal to the protocol's defaults, the regular expression zod writes
// beside a `format` it already names (email: 150 bytes, date-time: 390), an email's maxLength of 320
// (the format's own), on a free-form object the defaults `propertyNames: {type: 'string'}` (JSON keys
// are strings) and `additionalProperties: {}`, and the values of a choice of more than 16.
// The server validates every argument with the full zod schema either way.
// DESIGN.md caps the list at 48 KB. Built on the SDK's public API: registerTool's RegisteredTool
// handles, and Server.setRequestHandler, which replaces the handler McpServer installs for tools/list.
// It also checks each tool's arguments itself (McpServer is given a schema that takes any object):
// the problems are worded by mcp/arguments.ts, naming each field and what it is for, where
// McpServer would answer "Invalid input: expected string, received undefined at password".
// Before a tool's handler runs, the caller's limits are asked (a CallGuard: mcp/policy.ts callerRefusal).
import { McpServer, type RegisteredTool, type ToolCallback } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Implementation, CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ServerOptions } from '@modelcontextprotocol/sdk/server/index.js';
import type { AnySchema, ZodRawShapeCompat } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import { ListToolsRequestSchema, type Tool, type ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ToolOutcome } from '../lib/metrics';
import { asRequester } from '../lib/requester';
import { checkArguments } from './arguments';

type JsonSchema = Record<string, unknown>;

/**
 * A choice among more values than this is listed by its count and a few examples instead of every
 * value (46 compliance check ids cost a kilobyte in each tool that takes one); the server still
 * checks the value against the whole list and a wrong one is answered with every value.
 */
export const LISTED_ENUM_MAX = 16;

/** The JSON Schema of a tool's arguments or result, as McpServer writes it, without the dialect and redundant patterns. */
function compactJsonSchema(schema: AnySchema | undefined, io: 'input' | 'output'): JsonSchema {
  if (!schema) return { type: 'object', properties: {} };
  const json = z.toJSONSchema(schema as z.ZodType, {
    target: 'draft-7',
    io,
    override: ({ jsonSchema }) => {
      if (typeof jsonSchema.format === 'string' && typeof jsonSchema.pattern === 'string') delete jsonSchema.pattern;
      // An email's 320 characters is the format's own limit (RFC 5321), 16 bytes a field here.
      if (jsonSchema.format === 'email' && jsonSchema.maxLength === 320) delete jsonSchema.maxLength;
      const keys = jsonSchema.propertyNames as Record<string, unknown> | undefined;
      if (keys && Object.keys(keys).length === 1 && keys.type === 'string') delete jsonSchema.propertyNames;
      const values = jsonSchema.additionalProperties;
      if (values && typeof values === 'object' && Object.keys(values).length === 0) delete jsonSchema.additionalProperties;
    },
  }) as JsonSchema;
  delete json.$schema;
  shortenLongEnums(json);
  return json;
}

/** Replaces each enum of more than LISTED_ENUM_MAX values by its count and examples in the node's description. */
function shortenLongEnums(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach(shortenLongEnums);
  const schema = node as JsonSchema;
  const values = schema.enum;
  if (Array.isArray(values) && values.length > LISTED_ENUM_MAX) {
    delete schema.enum;
    const examples = values.slice(0, 3).map((v) => JSON.stringify(v)).join(', ');
    schema.description = `${schema.description ? `${String(schema.description)} ` : ''}(one of ${values.length} values, e.g. ${examples}; a wrong one is answered with them all)`;
  }
  Object.values(schema).forEach(shortenLongEnums);
}

/** The protocol's defaults for the hints a client reads when they are absent (MCP ToolAnnotations). */
const HINT_DEFAULTS: Partial<Record<keyof ToolAnnotations, boolean>> = { destructiveHint: true, idempotentHint: false, openWorldHint: true };

/**
 * The annotations without hints that say what their absence says: a default value, or destructive and
 * idempotent on a read-only tool (meaningful only when readOnlyHint is false). readOnlyHint always stays.
 */
function compactAnnotations(annotations: ToolAnnotations | undefined): ToolAnnotations | undefined {
  if (!annotations) return undefined;
  const kept = Object.entries(annotations).filter(([key, value]) => {
    if (key === 'readOnlyHint') return true;
    if (annotations.readOnlyHint === true && (key === 'destructiveHint' || key === 'idempotentHint')) return false;
    return HINT_DEFAULTS[key as keyof ToolAnnotations] !== value;
  });
  return Object.fromEntries(kept) as ToolAnnotations;
}

function toolDefinition(name: string, tool: RegisteredTool, inputSchema: AnySchema | undefined): Tool {
  const definition: Tool = {
    name,
    title: tool.title,
    description: tool.description,
    inputSchema: compactJsonSchema(inputSchema, 'input') as Tool['inputSchema'],
    annotations: compactAnnotations(tool.annotations),
    execution: tool.execution?.taskSupport === 'forbidden' && Object.keys(tool.execution).length === 1 ? undefined : tool.execution,
    _meta: tool._meta,
  };
  if (tool.outputSchema) definition.outputSchema = compactJsonSchema(tool.outputSchema, 'output') as Tool['outputSchema'];
  return definition;
}

type ToolObserver = (tool: string, outcome: ToolOutcome, seconds: number) => void;
let toolObserver: ToolObserver | undefined;

/** Told about every tool call of every server in this process (the metrics, when they are on: prom-client loads only then). */
export function observeToolCalls(observer: ToolObserver | undefined): void {
  toolObserver = observer;
}

/** The tool's handler, run as its requester (the client's name), timed and its outcome told to the observer when there is one. */
function observed<A extends unknown[], R>(name: string, handler: (...args: A) => R | Promise<R>, client: () => { name: string; version: string } | undefined): (...args: A) => Promise<R> {
  return (...args: A) => {
    const peer = client();
    return asRequester({ front: 'mcp', client: peer?.name, version: peer?.version, tool: name }, () => timed(name, handler, args));
  };
}

async function timed<A extends unknown[], R>(name: string, handler: (...args: A) => R | Promise<R>, args: A): Promise<R> {
  const observer = toolObserver;
  if (!observer) return handler(...args);
  const started = performance.now();
  let outcome: ToolOutcome = 'exception';
  try {
    const result = await handler(...args);
    const isError = (result as { isError?: boolean } | undefined)?.isError === true;
    outcome = !isError ? 'ok' : invalidArgumentsAnswers.has(result as object) ? 'invalid_arguments' : 'error';
    return result;
  } finally {
    observer(name, outcome, (performance.now() - started) / 1000);
  }
}

/** Answers checkArguments gave (refused arguments), told apart from the tools' own errors. */
const invalidArgumentsAnswers = new WeakSet<object>();

/** What McpServer checks the arguments of a tool with a schema against: any object (the tool checks them itself). */
const ANY_ARGUMENTS = z.looseObject({});

/** Asked before a tool's handler runs: an answer refuses the call. `fields` are the tool's top-level argument names. */
export type CallGuard = (tool: string, annotations: ToolAnnotations | undefined, fields: readonly string[], args: unknown) => Promise<CallToolResult | undefined>;

const fieldsOf = (schema: z.ZodType | undefined): string[] => (schema instanceof z.ZodObject ? Object.keys(schema.shape) : []);

export class CompactToolListServer extends McpServer {
  /** The connected client's name, from its initialize request. */
  private readonly clientName = () => this.server.getClientVersion();
  /** Every tool registered, by name, in registration order (tools here are never renamed or removed). */
  private readonly tools = new Map<string, RegisteredTool>();
  /** Each tool's own argument schema (McpServer holds ANY_ARGUMENTS for it). */
  private readonly schemas = new Map<string, z.ZodType>();

  constructor(
    info: Implementation,
    options?: ServerOptions,
    private readonly guard?: CallGuard,
  ) {
    super(info, options);
  }

  override registerTool<OutputArgs extends ZodRawShapeCompat | AnySchema, InputArgs extends undefined | ZodRawShapeCompat | AnySchema = undefined>(
    name: string,
    config: {
      title?: string;
      description?: string;
      inputSchema?: InputArgs;
      outputSchema?: OutputArgs;
      annotations?: ToolAnnotations;
      _meta?: Record<string, unknown>;
    },
    cb: ToolCallback<InputArgs>,
  ): RegisteredTool {
    let tool: RegisteredTool;
    const refusal = (args: unknown, schema?: z.ZodType) => this.guard?.(name, config.annotations, fieldsOf(schema), args);
    if (config.inputSchema) {
      const schema = config.inputSchema instanceof z.ZodType ? config.inputSchema : z.object(config.inputSchema as z.ZodRawShape);
      const handler = cb as (args: unknown, extra: unknown) => ReturnType<ToolCallback<ZodRawShapeCompat>>;
      const checked = async (args: unknown, extra: unknown) => {
        const verdict = await checkArguments(schema, args);
        if ('answer' in verdict) {
          invalidArgumentsAnswers.add(verdict.answer);
          return verdict.answer;
        }
        return (await refusal(verdict.data, schema)) ?? handler(verdict.data, extra);
      };
      tool = super.registerTool(name, { ...config, inputSchema: ANY_ARGUMENTS }, observed(name, checked, this.clientName) as ToolCallback<typeof ANY_ARGUMENTS>);
      this.schemas.set(name, schema);
    } else {
      const handler = cb as (extra: unknown) => ReturnType<ToolCallback>;
      const guarded = async (extra: unknown) => (await refusal({})) ?? handler(extra);
      tool = super.registerTool(name, config, observed(name, guarded as (...args: unknown[]) => unknown, this.clientName) as ToolCallback<InputArgs>);
    }
    // McpServer installs its tools/list handler with the first tool; ours replaces it then.
    if (this.tools.size === 0) this.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: this.listTools() }));
    this.tools.set(name, tool);
    return tool;
  }

  listTools(): Tool[] {
    return [...this.tools].filter(([, tool]) => tool.enabled).map(([name, tool]) => toolDefinition(name, tool, this.schemas.get(name) ?? tool.inputSchema));
  }
}

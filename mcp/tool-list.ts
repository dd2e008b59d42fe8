// The MCP server whose tools/list leaves out what tells a client nothing new: the JSON Schema dialect
// (`$schema`, draft-07 for every tool), `execution: {taskSupport: 'forbidden'}` (the protocol's
// default), the regular expression zod writes beside a `format` it already names (email: 150 bytes,
// date-time: 390), an email's maxLength of 320 (the format's own), and on a free-form object the
// defaults `propertyNames: {type: 'string'}` (JSON keys are strings) and `additionalProperties: {}`.
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
import { checkArguments } from './arguments';

type JsonSchema = Record<string, unknown>;

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
  return json;
}

function toolDefinition(name: string, tool: RegisteredTool, inputSchema: AnySchema | undefined): Tool {
  const definition: Tool = {
    name,
    title: tool.title,
    description: tool.description,
    inputSchema: compactJsonSchema(inputSchema, 'input') as Tool['inputSchema'],
    annotations: tool.annotations,
    execution: tool.execution?.taskSupport === 'forbidden' && Object.keys(tool.execution).length === 1 ? undefined : tool.execution,
    _meta: tool._meta,
  };
  if (tool.outputSchema) definition.outputSchema = compactJsonSchema(tool.outputSchema, 'output') as Tool['outputSchema'];
  return definition;
}

/** What McpServer checks the arguments of a tool with a schema against: any object (the tool checks them itself). */
const ANY_ARGUMENTS = z.looseObject({});

/** Asked before a tool's handler runs: an answer refuses the call. `fields` are the tool's top-level argument names. */
export type CallGuard = (tool: string, annotations: ToolAnnotations | undefined, fields: readonly string[], args: unknown) => Promise<CallToolResult | undefined>;

const fieldsOf = (schema: z.ZodType | undefined): string[] => (schema instanceof z.ZodObject ? Object.keys(schema.shape) : []);

export class CompactToolListServer extends McpServer {
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
        if ('answer' in verdict) return verdict.answer;
        return (await refusal(verdict.data, schema)) ?? handler(verdict.data, extra);
      };
      tool = super.registerTool(name, { ...config, inputSchema: ANY_ARGUMENTS }, checked as ToolCallback<typeof ANY_ARGUMENTS>);
      this.schemas.set(name, schema);
    } else {
      const handler = cb as (extra: unknown) => ReturnType<ToolCallback>;
      const guarded = async (extra: unknown) => (await refusal({})) ?? handler(extra);
      tool = super.registerTool(name, config, guarded as ToolCallback<InputArgs>);
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

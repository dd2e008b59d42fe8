// The MCP server whose tools/list leaves out what tells a client nothing new: the JSON Schema dialect
// (`$schema`, draft-07 for every tool), `execution: {taskSupport: 'forbidden'}` (the protocol's
// default), and the regular expression zod writes beside a `format` it already names (email: 150
// bytes, date-time: 390). The server validates every argument with the full zod schema either way.
// DESIGN.md caps the list at 48 KB. Built on the SDK's public API: registerTool's RegisteredTool
// handles, and Server.setRequestHandler, which replaces the handler McpServer installs for tools/list.
import { McpServer, type RegisteredTool, type ToolCallback } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AnySchema, ZodRawShapeCompat } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import { ListToolsRequestSchema, type Tool, type ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

/** The JSON Schema of a tool's arguments or result, as McpServer writes it, without the dialect and redundant patterns. */
function compactJsonSchema(schema: AnySchema | undefined, io: 'input' | 'output'): JsonSchema {
  if (!schema) return { type: 'object', properties: {} };
  const json = z.toJSONSchema(schema as z.ZodType, {
    target: 'draft-7',
    io,
    override: ({ jsonSchema }) => {
      if (typeof jsonSchema.format === 'string' && typeof jsonSchema.pattern === 'string') delete jsonSchema.pattern;
    },
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

function toolDefinition(name: string, tool: RegisteredTool): Tool {
  const definition: Tool = {
    name,
    title: tool.title,
    description: tool.description,
    inputSchema: compactJsonSchema(tool.inputSchema, 'input') as Tool['inputSchema'],
    annotations: tool.annotations,
    execution: tool.execution?.taskSupport === 'forbidden' && Object.keys(tool.execution).length === 1 ? undefined : tool.execution,
    _meta: tool._meta,
  };
  if (tool.outputSchema) definition.outputSchema = compactJsonSchema(tool.outputSchema, 'output') as Tool['outputSchema'];
  return definition;
}

export class CompactToolListServer extends McpServer {
  /** Every tool registered, by name, in registration order (tools here are never renamed or removed). */
  private readonly tools = new Map<string, RegisteredTool>();

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
    const tool = super.registerTool(name, config, cb);
    // McpServer installs its tools/list handler with the first tool; ours replaces it then.
    if (this.tools.size === 0) this.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: this.listTools() }));
    this.tools.set(name, tool);
    return tool;
  }

  listTools(): Tool[] {
    return [...this.tools].filter(([, tool]) => tool.enabled).map(([name, tool]) => toolDefinition(name, tool));
  }
}

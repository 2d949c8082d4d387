import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { ModelTool } from '../llm/model.types.js';
import { CallSlots, SlotWaitCancelledError } from './call-slots.js';
import { toServerDto, ToolsResponse } from './dto/tools.dto.js';
import { MCP_SERVER_SPECS, McpServerSpec } from './mcp-config.js';
import { McpConnection, ToolCallError } from './mcp-connection.js';
import { PathRedactor } from './path-redaction.js';
import { TOOL_CALLS_PER_PROCESS } from './tool-limits.js';
import { modelToolName, splitModelToolName } from './tool-names.js';
import { MODEL_RESULT_CHARS, resultText, truncate } from './tool-output.js';

/** Start-up waits at most this long for the servers, so tools are usually ready for the first turn. */
const STARTUP_WAIT_MS = 3_000;

export interface ToolOutcome {
  server: string;
  /** The server's own tool name. */
  name: string;
  isError: boolean;
  /**
   * The result (or the error) as text, with paths told relative to the workspace, cut to
   * MODEL_RESULT_CHARS before it is kept.
   */
  text: string;
  durationMs: number;
}

interface ToolTarget {
  connection?: McpConnection;
  tool: string;
}

/**
 * Every configured MCP server: their state and tools, and tool calls by model-facing name, at most
 * TOOL_CALLS_PER_PROCESS of them at once.
 */
@Injectable()
export class McpRegistry implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly connections: McpConnection[];
  private readonly slots = new CallSlots(TOOL_CALLS_PER_PROCESS);

  constructor(@Inject(MCP_SERVER_SPECS) specs: McpServerSpec[], config: AppConfig) {
    this.connections = specs.map(
      (spec) => new McpConnection(spec, PathRedactor.forServer(spec, config.mcp.workspaceDir)),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await settledWithin(
      Promise.all(this.connections.map((connection) => connection.start())),
      STARTUP_WAIT_MS,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.connections.map((connection) => connection.close()));
  }

  describeServers(): ToolsResponse {
    return { servers: this.connections.map((connection) => toServerDto(connection.snapshot())) };
  }

  /**
   * The connected servers' allowed tools, namespaced by server for the model. Two tools whose names
   * sanitise to the same model name would make the provider refuse every request, so only the first
   * is offered.
   */
  modelTools(): ModelTool[] {
    const tools = this.connections.flatMap((connection) =>
      connection.availableTools().map((tool) => ({
        name: modelToolName(connection.name, tool.name),
        description: tool.description,
        inputSchema: tool.inputSchema,
      })),
    );
    return tools.filter((tool, i) => tools.findIndex((other) => other.name === tool.name) === i);
  }

  /** Never throws for a tool's sake: failures, timeouts and unknown names are error outcomes. */
  async callTool(modelName: string, input: unknown, signal?: AbortSignal): Promise<ToolOutcome> {
    const started = performance.now();
    const target = this.resolve(modelName);
    const result = await this.slots
      .run(() => invoke(target, input, signal), signal)
      .catch((error: unknown) => {
        if (!(error instanceof SlotWaitCancelledError)) throw error;
        return { isError: true, text: `Tool "${target.tool}" was cancelled` };
      });
    return {
      server: target.connection?.name ?? '',
      name: target.tool,
      ...result,
      durationMs: Math.round(performance.now() - started),
    };
  }

  /** The server and the server's own name of a model-facing tool name (server '' when unknown). */
  identify(modelName: string): { server: string; name: string } {
    const { connection, tool } = this.resolve(modelName);
    return { server: connection?.name ?? '', name: tool };
  }

  private resolve(modelName: string): ToolTarget {
    const parts = splitModelToolName(modelName);
    const connection = this.connections.find((candidate) => candidate.name === parts?.server);
    if (!parts || !connection) return { tool: modelName };
    const known = connection
      .availableTools()
      .find((tool) => modelToolName(connection.name, tool.name) === modelName);
    return { connection, tool: known?.name ?? parts.tool };
  }
}

async function invoke(
  { connection, tool }: ToolTarget,
  input: unknown,
  signal?: AbortSignal,
): Promise<{ isError: boolean; text: string }> {
  if (!connection) return { isError: true, text: `Unknown tool "${tool}"` };
  try {
    const result = await connection.callTool(tool, input, signal);
    return {
      isError: result.isError === true,
      text: bounded(connection.redactPaths(resultText(result))),
    };
  } catch (error) {
    if (error instanceof ToolCallError) {
      return { isError: true, text: bounded(connection.redactPaths(error.message)) };
    }
    throw error;
  }
}

function bounded(text: string): string {
  return truncate(text, MODEL_RESULT_CHARS);
}

function settledWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([work.then(() => undefined), deadline]).finally(() => clearTimeout(timer));
}

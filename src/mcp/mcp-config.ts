import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { McpConfig } from '../config/app-config.js';
import { ConfigError } from '../config/load-config.js';

/** Injection token of the parsed server list (McpServerSpec[]). */
export const MCP_SERVER_SPECS = Symbol('MCP_SERVER_SPECS');

export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

/** The filesystem server's tools that only read; writing needs an explicit MCP_CONFIG. */
export const READ_ONLY_FILESYSTEM_TOOLS = [
  'list_allowed_directories',
  'list_directory',
  'list_directory_with_sizes',
  'directory_tree',
  'read_text_file',
  'read_multiple_files',
  'search_files',
  'get_file_info',
];

interface CommonSpec {
  name: string;
  disabled: boolean;
  /** Unset: every tool the server lists. */
  allowedTools?: string[];
  /** Longest wait for one request (connect, list, call). */
  timeoutMs: number;
}

export interface StdioServerSpec extends CommonSpec {
  transport: 'stdio';
  command: string;
  args: string[];
  env: Record<string, string>;
}

export interface RemoteServerSpec extends CommonSpec {
  transport: 'remote';
  url: URL;
  headers: Record<string, string>;
}

export type McpServerSpec = StdioServerSpec | RemoteServerSpec;

/** Server names never contain `__`, so a namespaced tool name splits back unambiguously. */
const SERVER_NAME = /^[A-Za-z0-9-]+(?:_[A-Za-z0-9-]+)*$/;
const SERVER_NAME_MAX = 32;
const WORKSPACE_VARIABLE = '${WORKSPACE_DIR}';

/** The servers to connect: MCP_CONFIG's, or the built-in read-only filesystem server. */
export async function loadMcpServerSpecs(config: McpConfig): Promise<McpServerSpec[]> {
  await mkdir(config.workspaceDir, { recursive: true });
  if (!config.configPath) return [defaultFilesystemServer(config.workspaceDir)];
  const text = await readFile(config.configPath, 'utf8').catch((error: Error) => {
    throw new ConfigError([`MCP_CONFIG: cannot read ${config.configPath}: ${error.message}`]);
  });
  return parseMcpConfig(text, config.configPath, config.workspaceDir);
}

export function defaultFilesystemServer(workspaceDir: string): StdioServerSpec {
  return {
    name: 'fs',
    transport: 'stdio',
    command: process.execPath,
    args: [filesystemServerEntry(), workspaceDir],
    env: {},
    disabled: false,
    allowedTools: READ_ONLY_FILESYSTEM_TOOLS,
    timeoutMs: DEFAULT_CALL_TIMEOUT_MS,
  };
}

function filesystemServerEntry(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('@modelcontextprotocol/server-filesystem/package.json');
  const manifest = require(manifestPath) as { bin: Record<string, string> };
  return join(dirname(manifestPath), manifest.bin['mcp-server-filesystem']);
}

/** Parses a Claude Desktop style file; every problem is reported at once, naming the file. */
export function parseMcpConfig(text: string, file: string, workspaceDir: string): McpServerSpec[] {
  const problems: string[] = [];
  const entries = Object.entries(readServerMap(text, problems));
  const specs = entries.map(([name, entry]) =>
    new EntryReader(name, entry, problems).read(workspaceDir),
  );
  if (problems.length > 0) {
    throw new ConfigError(problems.map((problem) => `MCP_CONFIG ${file}: ${problem}`));
  }
  return specs as McpServerSpec[];
}

function readServerMap(text: string, problems: string[]): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    problems.push(`not valid JSON (${(error as Error).message})`);
    return {};
  }
  const servers = isObject(json) ? json.mcpServers : undefined;
  if (!isObject(servers)) {
    problems.push('expected an object {"mcpServers": {"<name>": {...}}}');
    return {};
  }
  return servers;
}

/** Checks one `mcpServers` entry; unknown keys are ignored, as other clients' files carry their own. */
class EntryReader {
  constructor(
    private readonly name: string,
    private readonly entry: unknown,
    private readonly problems: string[],
  ) {}

  read(workspaceDir: string): McpServerSpec | undefined {
    if (!SERVER_NAME.test(this.name) || this.name.length > SERVER_NAME_MAX) {
      this.problem(
        `must be named with up to ${SERVER_NAME_MAX} letters, digits, "-" and single "_"`,
      );
    }
    if (!isObject(this.entry)) return this.problem('must be an object');
    const common: CommonSpec = {
      name: this.name,
      disabled: this.boolean('disabled') ?? false,
      allowedTools: this.strings('allowedTools'),
      timeoutMs: this.positiveInt('timeoutMs') ?? DEFAULT_CALL_TIMEOUT_MS,
    };
    const expand = (value: string) => value.replaceAll(WORKSPACE_VARIABLE, workspaceDir);
    const { command, url } = this.entry;
    if ((command === undefined) === (url === undefined)) {
      return this.problem('needs exactly one of "command" (stdio) or "url" (remote)');
    }
    if (url !== undefined) return this.remote(common);
    return {
      ...common,
      transport: 'stdio',
      command: this.requiredString('command') ?? '',
      args: (this.strings('args') ?? []).map(expand),
      env: mapValues(this.stringMap('env') ?? {}, expand),
    };
  }

  private remote(common: CommonSpec): RemoteServerSpec | undefined {
    const raw = this.requiredString('url');
    if (raw === undefined) return undefined;
    const url = parseHttpUrl(raw);
    if (!url) return this.problem('url must be an http: or https: URL');
    return { ...common, transport: 'remote', url, headers: this.stringMap('headers') ?? {} };
  }

  private problem(text: string): undefined {
    this.problems.push(`mcpServers.${this.name} ${text}`);
    return undefined;
  }

  private value(key: string): unknown {
    return (this.entry as Record<string, unknown>)[key];
  }

  private requiredString(key: string): string | undefined {
    const value = this.value(key);
    if (typeof value === 'string' && value.trim()) return value;
    return this.problem(`${key} must be a non-empty string`);
  }

  private boolean(key: string): boolean | undefined {
    const value = this.value(key);
    if (value === undefined || typeof value === 'boolean') return value;
    return this.problem(`${key} must be true or false`);
  }

  private positiveInt(key: string): number | undefined {
    const value = this.value(key);
    if (value === undefined || (Number.isInteger(value) && (value as number) > 0)) {
      return value as number | undefined;
    }
    return this.problem(`${key} must be a positive integer`);
  }

  private strings(key: string): string[] | undefined {
    const value = this.value(key);
    if (value === undefined) return undefined;
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
    return this.problem(`${key} must be an array of strings`);
  }

  private stringMap(key: string): Record<string, string> | undefined {
    const value = this.value(key);
    if (value === undefined) return undefined;
    if (isObject(value) && Object.values(value).every((item) => typeof item === 'string')) {
      return value as Record<string, string>;
    }
    return this.problem(`${key} must be an object of strings`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseHttpUrl(raw: string): URL | undefined {
  if (!URL.canParse(raw)) return undefined;
  const url = new URL(raw);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
}

function mapValues(
  record: Record<string, string>,
  map: (value: string) => string,
): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}

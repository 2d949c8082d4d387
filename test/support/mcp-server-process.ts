import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export type TestMcpTransport = 'streamable' | 'sse';

export interface TestMcpServerHandle {
  /** The MCP endpoint to put in a config entry's `url`. */
  url: string;
  /** Ends the process abruptly, as a crash would. */
  kill(): Promise<void>;
  /** Starts it again on the same port (after kill). */
  restart(): Promise<void>;
}

const SOURCE = fileURLToPath(new URL('./test-mcp-server.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENDPOINTS: Record<TestMcpTransport, string> = { streamable: '/mcp', sse: '/sse' };

let program: string | undefined;

/** test-mcp-server.ts in a child process of its own, on a free loopback port. */
export async function startTestMcpServer(
  transport: TestMcpTransport = 'streamable',
): Promise<TestMcpServerHandle> {
  const first = await launch(transport, 0);
  const { port } = first;
  let { child } = first;
  return {
    url: `http://127.0.0.1:${port}${ENDPOINTS[transport]}`,
    kill: () => stop(child),
    restart: async () => {
      ({ child } = await launch(transport, port));
    },
  };
}

/**
 * An MCP_CONFIG entry that runs test-mcp-server.ts over stdio (from the project root, jest's working
 * directory).
 */
export function stdioTestServerEntry(): { command: string; args: string[]; env: object } {
  return {
    command: process.execPath,
    args: ['--input-type=module', '-e', compiledProgram()],
    env: { MCP_TRANSPORT: 'stdio' },
  };
}

async function launch(
  transport: TestMcpTransport,
  port: number,
): Promise<{ child: ChildProcess; port: number }> {
  // Node 20 cannot run TypeScript, and eval'd code resolves packages from the working directory.
  const child = spawn(process.execPath, ['--input-type=module', '-e', compiledProgram()], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PORT: String(port), MCP_TRANSPORT: transport },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return { child, port: await listeningPort(child) };
}

function compiledProgram(): string {
  program ??= ts.transpileModule(readFileSync(SOURCE, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  return program;
}

function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`test MCP server exited early (${code})`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

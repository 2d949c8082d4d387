/** The bench's child processes: the fake model, the floor, and the built service once per adapter. */
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Environment } from '../src/config/load-config.js';

const TS_LOADER = ['--import', './scripts/register-ts-loader.mjs'];
/**
 * The V8 settings the service runs with in production (`npm run start:prod`, deploy/Dockerfile): a
 * young generation large enough that what a turn allocates dies there while it waits on the model,
 * instead of being promoted and collected by full GCs. Every child gets them, the floor included.
 */
const NODE_FLAGS = ['--max-semi-space-size=64'];
const STDERR_KEPT_CHARS = 4000;
const STOP_GRACE_MS = 5000;

export class Child {
  private stderrTail = '';

  constructor(private readonly proc: ChildProcess) {
    proc.stderr?.setEncoding('utf8').on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_KEPT_CHARS);
    });
  }

  get pid(): number {
    return this.proc.pid as number;
  }

  get exited(): boolean {
    return this.proc.exitCode !== null || this.proc.signalCode !== null;
  }

  /** What it wrote to stderr lately: why it failed, when it did. */
  get stderr(): string {
    return this.stderrTail.trim();
  }

  /** The first line it prints on stdout (the bench scripts print their URL once listening). */
  async firstLine(): Promise<string> {
    const stdout = this.proc.stdout!.setEncoding('utf8');
    let text = '';
    for await (const chunk of stdout) {
      text += chunk as string;
      const end = text.indexOf('\n');
      if (end >= 0) return text.slice(0, end);
    }
    throw new Error(`exited before printing its URL: ${this.stderr}`);
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exit = once(this.proc, 'exit');
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), STOP_GRACE_MS);
    await exit;
    clearTimeout(timer);
  }
}

/** Starts a bench/*.ts script that prints its URL, and returns it with that URL. */
export async function startScript(
  path: string,
  env: Environment = {},
  args: string[] = [],
): Promise<{ child: Child; url: string }> {
  const child = new Child(
    spawn(process.execPath, [...NODE_FLAGS, ...TS_LOADER, path, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  return { child, url: await child.firstLine() };
}

/**
 * Starts the built service (dist/main.js) with its logs on (to /dev/null: written, never read) and
 * waits until /health/ready answers 200; or says why it exited first (its stderr).
 */
export async function startService(
  env: Environment,
  url: string,
): Promise<{ child: Child } | { exited: string }> {
  const child = new Child(
    spawn(process.execPath, [...NODE_FLAGS, 'dist/main.js'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exited) return { exited: child.stderr || 'exited at start-up' };
    const ready = await fetch(`${url}/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { child };
    await sleep(100);
  }
  await child.stop();
  throw new Error(`the service at ${url} never became ready: ${child.stderr}`);
}

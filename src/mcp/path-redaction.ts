import { realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { McpServerSpec } from './mcp-config.js';

const WORKSPACE_LABEL = '<workspace>';

/** A path character: a path that goes on after a prefix is another path, not under it. */
const PATH_CHAR = String.raw`[\p{L}\p{N}_.~-]`;
/**
 * What may come just before a path: the start, or anything but a path character or `/` (after
 * which it would be the tail of a longer path, `/var/srv/app` or `https://h/srv/app`), except the
 * `file://` of a file URL, plain or JSON-escaped (`file:\/\/`).
 */
const PATH_START = String.raw`(?<=^|[^\p{L}\p{N}_.~/-]|file://|file:\\/\\/)`;
/** A label the model may hand back at the start of a path in a tool's input. */
const LABELLED_PATH = new RegExp(`^${WORKSPACE_LABEL}(?=/|$)`);

interface Replacement {
  prefix: string;
  label: string;
}

/**
 * Tool results and errors quote absolute paths ("Allowed directories:\n/srv/app/workspace",
 * "Access denied - path outside allowed directories: /srv/app/x not in /srv/app/workspace",
 * "ENOENT … '/srv/app/workspace/a.txt'", `file:///srv/app/workspace/a.txt`, JSON's
 * `\/srv\/app\/workspace`). What reaches the model, `output_preview` and the logs names them
 * relative to the workspace instead: the root becomes `<workspace>`, a path beside it
 * `<workspace>/../x`, so the server's layout stays private. The model may then name `<workspace>/a`
 * in a tool's input, which `restore` turns back into the real path.
 */
export class PathRedactor {
  private readonly pattern?: RegExp;
  private readonly labels = new Map<string, string>();
  private readonly root?: string;

  /** `roots[0]` is the one other paths are told relative to. */
  constructor(roots: string[]) {
    const replacements = replacementsFor(roots)
      .flatMap((replacement) => [replacement, jsonEscaped(replacement)])
      .sort((a, b) => b.prefix.length - a.prefix.length);
    for (const { prefix, label } of replacements) {
      if (!this.labels.has(prefix)) this.labels.set(prefix, label);
    }
    this.root = roots[0] === undefined ? undefined : resolve(roots[0]);
    if (this.labels.size === 0) return;
    const alternatives = [...this.labels.keys()].map(escapeRegExp).join('|');
    this.pattern = new RegExp(`${PATH_START}(?:${alternatives})(?!${PATH_CHAR})`, 'gu');
  }

  /**
   * The roots of one server: its absolute directory arguments (the filesystem server's allowed
   * directories), the first of them first, then the workspace.
   */
  static forServer(spec: McpServerSpec, workspaceDir: string): PathRedactor {
    const args = spec.transport === 'stdio' ? spec.args.filter(isAbsolute) : [];
    return new PathRedactor([...args.filter(isDirectory), workspaceDir]);
  }

  redact(text: string): string {
    if (!this.pattern) return text;
    return text.replace(this.pattern, (prefix) => this.labels.get(prefix) ?? prefix);
  }

  /** A tool's input with each string that starts with `<workspace>` starting with the root instead. */
  restore(input: unknown): unknown {
    const root = this.root;
    if (root === undefined) return input;
    const walk = (value: unknown): unknown => {
      if (typeof value === 'string') return value.replace(LABELLED_PATH, () => root);
      if (Array.isArray(value)) return value.map(walk);
      if (value === null || typeof value !== 'object') return value;
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item)]));
    };
    return walk(input);
  }
}

function replacementsFor(roots: string[]): Replacement[] {
  const variants = (root: string) => [...new Set([resolve(root), realpathOrSelf(root)])];
  const [primary, ...others] = roots;
  if (primary === undefined) return [];
  return [
    ...variants(primary).flatMap(withAncestors),
    ...others.flatMap(variants).map((prefix) => ({ prefix, label: WORKSPACE_LABEL })),
  ];
}

/** The same path as JSON may escape it, `\/srv\/app`. */
function jsonEscaped({ prefix, label }: Replacement): Replacement {
  return { prefix: prefix.replaceAll('/', '\\/'), label };
}

/** The root as `<workspace>` and each folder above it (but `/`) as `<workspace>/..`, `/../..` … */
function withAncestors(root: string): Replacement[] {
  const replacements: Replacement[] = [];
  let label = WORKSPACE_LABEL;
  for (let prefix = root; dirname(prefix) !== prefix; prefix = dirname(prefix)) {
    replacements.push({ prefix, label });
    label += '/..';
  }
  return replacements;
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

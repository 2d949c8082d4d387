import { realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { McpServerSpec } from './mcp-config.js';

const WORKSPACE_LABEL = '<workspace>';

/** A path character: a path that goes on after a prefix is another path, not under it. */
const PATH_CHAR = String.raw`[\p{L}\p{N}_.~-]`;

interface Replacement {
  prefix: string;
  label: string;
}

/**
 * Tool errors quote absolute paths ("Access denied - path outside allowed directories: /srv/app/x
 * not in /srv/app/workspace", "ENOENT … '/srv/app/workspace/a.txt'"). What reaches the model,
 * `output_preview` and the logs names them relative to the workspace instead: the root becomes
 * `<workspace>`, a path beside it `<workspace>/../x`, so the server's layout stays private.
 */
export class PathRedactor {
  private readonly pattern?: RegExp;
  private readonly labels = new Map<string, string>();

  /** `roots[0]` is the one other paths are told relative to. */
  constructor(roots: string[]) {
    const replacements = replacementsFor(roots).sort((a, b) => b.prefix.length - a.prefix.length);
    for (const { prefix, label } of replacements) {
      if (!this.labels.has(prefix)) this.labels.set(prefix, label);
    }
    if (this.labels.size === 0) return;
    const alternatives = [...this.labels.keys()].map(escapeRegExp).join('|');
    this.pattern = new RegExp(`(?<!${PATH_CHAR}|/)(?:${alternatives})(?!${PATH_CHAR})`, 'gu');
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

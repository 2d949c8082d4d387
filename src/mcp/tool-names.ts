const SEPARATOR = '__';
/** The Messages API accepts tool names of `^[a-zA-Z0-9_-]{1,64}$`. */
const MODEL_TOOL_NAME_MAX = 64;

/** `fs` + `read_text_file` → `fs__read_text_file`, within what the Messages API accepts. */
export function modelToolName(server: string, tool: string): string {
  return `${server}${SEPARATOR}${tool}`
    .replace(/[^A-Za-z0-9_-]/g, '_')
    .slice(0, MODEL_TOOL_NAME_MAX);
}

/** The two halves of a model-facing name; server names never contain the separator. */
export function splitModelToolName(name: string): { server: string; tool: string } | undefined {
  const at = name.indexOf(SEPARATOR);
  if (at <= 0) return undefined;
  return { server: name.slice(0, at), tool: name.slice(at + SEPARATOR.length) };
}

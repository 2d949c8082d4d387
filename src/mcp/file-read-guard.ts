import { formatBytes } from './tool-output.js';

/** How @modelcontextprotocol/server-filesystem names itself in its initialize answer. */
export const FILESYSTEM_SERVER_NAME = 'secure-filesystem-server';

/** Its tools that read whole files, and the paths each call would read. */
const WHOLE_FILE_READS: Record<string, (input: Record<string, unknown>) => unknown[]> = {
  read_text_file: (input) => (readsPart(input) ? [] : [input.path]),
  read_file: (input) => (readsPart(input) ? [] : [input.path]),
  read_media_file: (input) => [input.path],
  read_multiple_files: (input) => (Array.isArray(input.paths) ? (input.paths as unknown[]) : []),
};

/** The size of a file as the server sees it; undefined when it cannot tell (the read will say). */
export type FileSizer = (path: string) => Promise<number | undefined>;

/**
 * The filesystem server reads a whole file into memory and sends it twice (as text and as
 * structured content) in one message, so a few calls on a large file cost this process and the
 * server hundreds of megabytes. This refuses, before it runs, a read of more than `maxBytes`
 * (sizes asked of the server itself, so its own access checks apply) and tells the model how to
 * read a part instead. A read with `head` or `tail` is let through: the transport bounds its answer.
 */
export class FileReadGuard {
  constructor(private readonly maxBytes: number) {}

  /** Why the call may not run, or undefined when it may. */
  async refusal(tool: string, input: unknown, sizeOf: FileSizer): Promise<string | undefined> {
    const paths = wholeFileReads(tool, input);
    if (paths.length === 0) return undefined;
    const sizes = await Promise.all(
      paths.map(async (path) => ({ path, bytes: (await sizeOf(path)) ?? 0 })),
    );
    const total = sizes.reduce((sum, { bytes }) => sum + bytes, 0);
    if (total <= this.maxBytes) return undefined;
    const limit = formatBytes(this.maxBytes);
    if (sizes.length > 1) {
      const largest = [...sizes].sort((a, b) => b.bytes - a.bytes).slice(0, 5);
      const listed = largest.map(({ path, bytes }) => `${path} (${formatBytes(bytes)})`);
      return (
        `These files hold ${formatBytes(total)} together, more than the ${limit} one call may ` +
        `read: ${listed.join(', ')}. Read fewer files at a time, and large ones in parts with ` +
        `read_text_file and "head" or "tail" (a number of lines).`
      );
    }
    const partly =
      tool === 'read_media_file'
        ? 'It cannot be read through this tool.'
        : 'Read a part of it: "head" or "tail" with a number of lines.';
    return `${sizes[0].path} is ${formatBytes(total)}, more than the ${limit} one call may read whole. ${partly}`;
  }
}

function wholeFileReads(tool: string, input: unknown): string[] {
  const paths = WHOLE_FILE_READS[tool];
  if (!paths || typeof input !== 'object' || input === null) return [];
  return paths(input as Record<string, unknown>).filter(
    (path): path is string => typeof path === 'string',
  );
}

/** The server reads the whole file unless head or tail is a positive number of lines. */
function readsPart(input: Record<string, unknown>): boolean {
  return [input.head, input.tail].some((lines) => typeof lines === 'number' && lines > 0);
}

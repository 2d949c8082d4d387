/**
 * What one tool call may cost. The model reads at most MODEL_RESULT_CHARS (20 000 characters) of a
 * result, so everything past a small multiple of that is waste; these bounds keep a model that asks
 * for dozens of large reads in one turn from filling this process's memory or a server's.
 */

/** The largest message read whole from a stdio server; a longer one is cut as it arrives. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
/** How much of a longer message is kept: enough for MODEL_RESULT_CHARS even if all escaped. */
export const CUT_MESSAGE_KEPT_BYTES = 128 * 1024;
/**
 * The longest line a stdio server may send at all. A longer one is no message but a broken server
 * (one writing `{"k0":…,"k1":…` for ever): its connection is closed and made again with backoff.
 */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
/** The largest file the filesystem server may read whole in one call (head/tail read parts). */
export const MAX_WHOLE_FILE_BYTES = 1024 * 1024;
/** Tool calls of one model turn that run at once; the others wait their turn. */
export const TOOL_CALLS_PER_TURN = 4;
/** Tool calls running at once in this process, over every turn and server. */
export const TOOL_CALLS_PER_PROCESS = 16;

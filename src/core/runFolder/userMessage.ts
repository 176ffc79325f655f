// What a failed job says to the user (CLI stderr, the worker's "failed" message). Our errors carry messages
// written for the user (file, field, fix); a TypeError or RangeError is a JavaScript internal ("undefined is not
// iterable") that no user can act on, so it is named a bug instead of shown raw.
export function userMessage(error: unknown): string {
  const internal = error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError;
  if (internal) return `internal error (${error.name}): this is a bug in smoe, not in your files; rerun with SMOE_DEBUG=1 (CLI) and report the output`;
  return error instanceof Error ? error.message : String(error);
}

// One readable line for an error, including its cause (fetch hides ECONNREFUSED in `cause`).

export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause.message : undefined;
  return cause && !err.message.includes(cause) ? `${err.message}: ${cause}` : err.message;
}

export function seconds(s: number): string {
  return `${Number.isInteger(s) ? s : Number(s.toFixed(3))}s`;
}

// One validation problem, located in the repository: `file:line:col: field.path: message`.

export interface SpecError {
  /** Path relative to the repository root. */
  file: string;
  line: number;
  col: number;
  /** Field path such as `spec.health.timeoutSeconds` or `spec.args[0]`; `-` for a whole document. */
  field: string;
  message: string;
}

export function formatSpecError(e: SpecError): string {
  return `${e.file}:${e.line}:${e.col}: ${e.field}: ${e.message}`;
}

export function compareSpecErrors(a: SpecError, b: SpecError): number {
  return a.file < b.file
    ? -1
    : a.file > b.file
      ? 1
      : a.line - b.line ||
        a.col - b.col ||
        (a.field < b.field ? -1 : a.field > b.field ? 1 : 0) ||
        (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}

export function sortSpecErrors(errors: SpecError[]): SpecError[] {
  const seen = new Set<string>();
  return [...errors].sort(compareSpecErrors).filter((e) => {
    const key = formatSpecError(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

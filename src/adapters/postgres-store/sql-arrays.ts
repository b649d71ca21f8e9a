/** A value of a column sent as an array parameter. */
export type SqlValue = string | number | null;

const quoted = (v: string): string =>
  v.includes('"') || v.includes('\\') ? `"${v.replace(/["\\]/g, '\\$&')}"` : `"${v}"`;

/**
 * A PostgreSQL array literal, built directly for `unnest($n::type[])`: the driver's general
 * serializer escapes every element through several calls and costs more than the rest of a
 * batch's JavaScript. Strings are always quoted, so no text can split or shift an element.
 */
export function arrayLiteral(values: readonly SqlValue[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    parts[i] =
      v === null || v === undefined ? 'NULL' : typeof v === 'number' ? String(v) : quoted(v);
  }
  return `{${parts.join(',')}}`;
}

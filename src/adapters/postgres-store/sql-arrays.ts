/** A value of a column sent as an array parameter. */
export type SqlValue = string | number | null;

/**
 * A PostgreSQL array literal, built directly for `unnest($n::type[])`: the driver's general
 * serializer escapes every element through several calls and costs more than the rest of a
 * batch's JavaScript. Strings are always quoted, so any text is safe (commas, braces, NULL).
 */
export function arrayLiteral(values: readonly SqlValue[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    if (v === null || v === undefined) out += 'NULL';
    else if (typeof v === 'number') out += String(v);
    else out += `"${/["\\]/.test(v) ? v.replace(/["\\]/g, '\\$&') : v}"`;
  }
  return out + '}';
}

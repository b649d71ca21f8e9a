/** A closed range of HTTP status codes. */
export interface StatusRange {
  readonly from: number;
  readonly to: number;
}

export type ParsedExpectedStatus =
  | { readonly ok: true; readonly ranges: readonly StatusRange[] }
  | { readonly ok: false; readonly message: string };

const CODE = /^[1-5][0-9]{2}$/;

/** Parses `["200", "300-399"]` into ranges; codes are 100–599. */
export function parseExpectedStatus(entries: readonly string[]): ParsedExpectedStatus {
  const ranges: StatusRange[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    const dash = entry.indexOf('-');
    const fromText = dash === -1 ? entry : entry.slice(0, dash).trim();
    const toText = dash === -1 ? entry : entry.slice(dash + 1).trim();
    if (!CODE.test(fromText) || !CODE.test(toText)) {
      return {
        ok: false,
        message: `"${raw}" is not a status code (100-599) or a range like 200-299`,
      };
    }
    const from = Number(fromText);
    const to = Number(toText);
    if (from > to)
      return { ok: false, message: `"${raw}" is a range whose start is after its end` };
    ranges.push({ from, to });
  }
  return { ok: true, ranges };
}

export function statusMatches(code: number, ranges: readonly StatusRange[]): boolean {
  return ranges.some((r) => code >= r.from && code <= r.to);
}

/** The ranges as the contract writes them, for error sentences: `200-399, 418`. */
export function describeExpectedStatus(entries: readonly string[]): string {
  return entries.map((e) => e.trim()).join(', ');
}

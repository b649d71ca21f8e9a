/** Printing: aligned tables, verdicts, and the JSON record of a run. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type Verdict = 'PASS' | 'MISS' | 'n/a';

/** One figure beside its ceiling and its goal. */
export interface FigureRow {
  readonly figure: string;
  readonly value: string;
  readonly ceiling: string;
  readonly goal: string;
  readonly verdict: Verdict;
}

export function fmt(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

export function verdict(ok: boolean | null): Verdict {
  if (ok === null) return 'n/a';
  return ok ? 'PASS' : 'MISS';
}

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`;
  return [
    line(headers),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
}

export function figureTable(rows: readonly FigureRow[]): string {
  return table(
    ['figure', 'this run', 'ceiling, same run', 'goal', ''],
    rows.map((r) => [r.figure, r.value, r.ceiling, r.goal, r.verdict]),
  );
}

export function heading(title: string): void {
  process.stdout.write(`\n## ${title}\n\n`);
}

export function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Writes the run's record to test-output/bench/<timestamp>.json and returns the path. */
export function writeJson(startedAt: Date, record: unknown): string {
  const dir = join('test-output', 'bench');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(path, `${JSON.stringify(record, null, 2)}\n`);
  return path;
}

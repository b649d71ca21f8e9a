/**
 * Where the service's CPU goes: summaries of the `.cpuprofile` files that `node --cpu-prof`
 * writes at exit, one per thread (the main thread and each checker thread).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, table } from './report.js';

interface ProfileNode {
  readonly id: number;
  readonly children?: readonly number[];
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileSummary {
  readonly file: string;
  readonly totalMs: number;
  /** Self time by function, highest first. */
  readonly functions: readonly { readonly name: string; readonly ms: number }[];
  /** Self time by where the code comes from (a package, node internals, the service's own). */
  readonly origins: readonly { readonly name: string; readonly ms: number }[];
  /** Runs of the thread without a pause (the event loop blocked), ms. */
  readonly busySpans: Spans;
  /** Runs inside better-sqlite3's transaction wrapper (the recorder's batches), ms. */
  readonly transactionSpans: Spans;
}

export interface Spans {
  readonly count: number;
  readonly totalMs: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

const TRANSACTION_FRAME = 'sqliteTransaction';

function spansOf(lengths: number[]): Spans {
  const sorted = lengths.sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    count: sorted.length,
    totalMs: sorted.reduce((a, b) => a + b, 0),
    p50: at(0.5),
    p99: at(0.99),
    max: sorted.at(-1) ?? 0,
  };
}

/** `node:internal/…`, a package name, the service's file, or a pseudo-frame like `(garbage collector)`. */
function origin(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return url.replace(/^node:internal\/(\w+).*$/, 'node:$1');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg !== null) return pkg[1] ?? url;
  const own = /\/dist\/(.*)$/.exec(url);
  return own !== null ? `dist/${own[1] ?? ''}` : url;
}

function top(map: Map<string, number>, count: number): { name: string; ms: number }[] {
  return [...map]
    .map(([name, us]) => ({ name, ms: us / 1000 }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, count);
}

export function summarize(file: string, count = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const inTransaction = new Map<number, boolean>();
  const isInTransaction = (id: number): boolean => {
    let known = inTransaction.get(id);
    if (known === undefined) {
      const up = parent.get(id);
      known =
        byId.get(id)?.callFrame.functionName === TRANSACTION_FRAME ||
        (up !== undefined && isInTransaction(up));
      inTransaction.set(id, known);
    }
    return known;
  };
  const functions = new Map<string, number>();
  const origins = new Map<string, number>();
  const busy: number[] = [];
  const transactions: number[] = [];
  let busyRun = 0;
  let transactionRun = 0;
  let totalUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i] ?? -1);
    const us = profile.timeDeltas[i + 1] ?? 0;
    if (node === undefined) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const idle = functionName === '(idle)';
    const tx = !idle && isInTransaction(node.id);
    if (!idle) {
      busyRun += us;
    } else if (busyRun > 0) {
      busy.push(busyRun / 1000);
      busyRun = 0;
    }
    if (tx) {
      transactionRun += us;
    } else if (transactionRun > 0) {
      transactions.push(transactionRun / 1000);
      transactionRun = 0;
    }
    if (idle) continue;
    totalUs += us;
    const where = origin(url, functionName);
    const name = `${functionName || '(anonymous)'} ${url === '' ? '' : `${where}:${lineNumber + 1}`}`;
    functions.set(name.trim(), (functions.get(name.trim()) ?? 0) + us);
    origins.set(where, (origins.get(where) ?? 0) + us);
  }
  return {
    file,
    totalMs: totalUs / 1000,
    functions: top(functions, count),
    origins: top(origins, count),
    busySpans: spansOf(busy),
    transactionSpans: spansOf(transactions),
  };
}

/** Summaries of every profile in `dir`, the busiest thread first. */
export function summarizeDir(dir: string): ProfileSummary[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).size > 0)
    .map((f) => summarize(f))
    .sort((a, b) => b.totalMs - a.totalMs);
}

export function printSummary(summary: ProfileSummary, say: (text: string) => void): void {
  say(`\n${summary.file}: ${fmt(summary.totalMs)} ms on CPU (idle excluded)`);
  const spans = (s: Spans): string =>
    `${fmt(s.count)}, ${fmt(s.totalMs)} ms in all, p50 ${fmt(s.p50, 1)} / p99 ${fmt(s.p99, 1)} / max ${fmt(s.max, 1)} ms`;
  say(`runs without a pause: ${spans(summary.busySpans)}`);
  if (summary.transactionSpans.count > 0) {
    say(`store transactions: ${spans(summary.transactionSpans)}`);
  }
  const share = (ms: number): string => `${fmt((ms / summary.totalMs) * 100, 1)} %`;
  say(
    table(
      ['origin', 'self ms', 'share'],
      summary.origins.map((o) => [o.name, fmt(o.ms), share(o.ms)]),
    ),
  );
  say('');
  say(
    table(
      ['function', 'self ms', 'share'],
      summary.functions.map((f) => [f.name, fmt(f.ms), share(f.ms)]),
    ),
  );
}

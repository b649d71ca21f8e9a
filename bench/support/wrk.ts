/** wrk, the ceiling: what this machine does with the same kind of traffic, measured in the same run. */
import { bounded, commandExists, spawnTracked, stopChild } from './proc.js';

export interface WrkOptions {
  readonly url: string;
  readonly threads: number;
  readonly connections: number;
  readonly durationS: number;
  readonly headers: readonly string[];
}

export interface WrkResult {
  /** The command, as one would type it. */
  readonly command: string;
  readonly requestsPerSec: number;
  readonly requests: number;
  /** Socket errors and non-2xx/3xx answers together. */
  readonly errors: number;
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number };
}

export function wrkMissing(): string | null {
  return commandExists('wrk') ? null : 'wrk not found (apt-get install -y wrk)';
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** `1.55ms`, `2.01s`, `850.00us` → ms. */
function durationMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (match === null) return Number.NaN;
  const unit = { us: 0.001, ms: 1, s: 1000, m: 60_000 }[match[2] as 'us' | 'ms' | 's' | 'm'];
  return Number(match[1]) * unit;
}

export function parseWrk(output: string, command: string): WrkResult {
  const number = (re: RegExp): number => Number(re.exec(output)?.[1] ?? Number.NaN);
  const percentile = (p: number): number =>
    durationMs(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(output)?.[1] ?? '');
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    output,
  );
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1];
  const errors =
    (socketErrors?.slice(1).reduce((sum, n) => sum + Number(n), 0) ?? 0) + Number(non2xx ?? 0);
  return {
    command,
    requestsPerSec: number(/Requests\/sec:\s+([\d.]+)/),
    requests: number(/(\d+) requests in/),
    errors,
    latencyMs: { p50: percentile(50), p90: percentile(90), p99: percentile(99) },
  };
}

/** Runs wrk with `--latency`; bounded to its duration plus 15 s. */
export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  const args = [
    `-t${options.threads}`,
    `-c${options.connections}`,
    `-d${options.durationS}s`,
    '--latency',
    ...options.headers.flatMap((h) => ['-H', h]),
    options.url,
  ];
  const command = ['wrk', ...args].map(quote).join(' ');
  const child = spawnTracked('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  try {
    const code = await bounded(
      command,
      (options.durationS + 15) * 1000,
      new Promise<number | null>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', resolve);
      }),
    );
    if (code !== 0) throw new Error(`${command} exited with ${code}: ${output.trim()}`);
  } finally {
    await stopChild(child, 'SIGKILL', 2_000);
  }
  return parseWrk(output, command);
}

/**
 * Readings of /proc, and the child processes the bench starts: every one is tracked by pid and
 * stopped by pid, also when the bench fails or is interrupted.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';

/** Clock ticks per second of /proc CPU times (`getconf CLK_TCK`). */
export const CLOCK_TICKS: number = (() => {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const ticks = Number(out.stdout.trim());
  return out.status === 0 && ticks > 0 ? ticks : 100;
})();

function statFields(pid: number, tid?: number): string[] | null {
  try {
    const path = tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`;
    const text = readFileSync(path, 'utf8');
    // The command name (field 2) may hold spaces; what follows its closing parenthesis does not.
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/**
 * CPU time (user + system) in ms of a process (all its threads), or of one of its threads when
 * `tid` is given; null when it is gone.
 */
export function cpuMs(pid: number, tid?: number): number | null {
  const fields = statFields(pid, tid);
  if (fields === null) return null;
  // After the name: state(0) ppid(1) … utime(11) stime(12).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** Direct children of a process, read from /proc. */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if (Number(statFields(Number(entry))?.[1]) === pid) children.push(Number(entry));
  }
  return children;
}

/** VmRSS and VmHWM of a process in MB (10^6 bytes), or null when it is gone. */
export function memoryMB(pid: number): { rss: number; hwm: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string): number =>
      Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1]);
    return { rss: (kb('VmRSS') * 1024) / 1e6, hwm: (kb('VmHWM') * 1024) / 1e6 };
  } catch {
    return null;
  }
}

/** Busy and total jiffies of the whole machine, for CPU use over an interval. */
export function machineJiffies(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

export function commandExists(command: string): boolean {
  if (command.includes('/')) return existsSync(command);
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** A TCP port free on 127.0.0.1 at the time of the call. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Rejects when `promise` takes longer than `ms`: every phase of the bench is bounded. */
export async function bounded<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what} took longer than ${Math.round(ms / 1000)} s`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const tracked = new Map<number, ChildProcess>();
/** Grandchildren (say, nginx workers) that a SIGKILL of their parent would leave running. */
const adopted = new Set<number>();

export function adoptPid(pid: number): void {
  adopted.add(pid);
}

/** Starts a process that the bench stops by pid at the latest when it exits. */
export function spawnTracked(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, options);
  const pid = child.pid;
  if (pid !== undefined) {
    tracked.set(pid, child);
    child.once('exit', () => tracked.delete(pid));
  }
  return child;
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves true once the child has exited, false when `ms` pass first. */
export function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', done);
      resolve(false);
    }, ms);
    function done(): void {
      clearTimeout(timer);
      resolve(true);
    }
    child.once('exit', done);
  });
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/**
 * Stops a child by its pid: `sig` first, SIGKILL after `graceMs`. `extraPids` (its own children,
 * read before the signal) get SIGKILL too if they outlive it.
 */
export async function stopChild(
  child: ChildProcess,
  sig: NodeJS.Signals = 'SIGTERM',
  graceMs = 5_000,
  extraPids: readonly number[] = [],
): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  if (!hasExited(child)) {
    signal(pid, sig);
    if (!(await waitExit(child, graceMs))) {
      signal(pid, 'SIGKILL');
      await waitExit(child, 2_000);
    }
  }
  for (const extra of extraPids) {
    if (existsSync(`/proc/${extra}`)) signal(extra, 'SIGKILL');
    adopted.delete(extra);
  }
}

/** SIGKILLs every tracked process still running; synchronous, so it works in an exit handler. */
export function killAllTracked(): void {
  for (const [pid, child] of tracked) {
    if (!hasExited(child)) signal(pid, 'SIGKILL');
  }
  for (const pid of adopted) {
    if (existsSync(`/proc/${pid}`)) signal(pid, 'SIGKILL');
  }
  tracked.clear();
  adopted.clear();
}

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

/** The machine a run measured, printed with its figures: the cores are shared with other work. */
export interface Machine {
  cpuModel: string;
  cpus: number;
  memoryGiB: number;
  node: string;
  natsServer: string;
  /** The Docker engine's version, `unavailable` when it does not answer. */
  docker: string;
  /** 1-, 5- and 15-minute load averages when the run started. */
  loadAtStart: number[];
}

const rounded = (n: number): number => Math.round(n * 100) / 100;

/** The 1-, 5- and 15-minute load averages now, rounded to hundredths. */
export function loadAverages(): number[] {
  return loadavg().map(rounded);
}

function versionOf(binary: string, args: string[]): string {
  try {
    return execFileSync(binary, args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unavailable';
  }
}

/** Describes this machine: CPUs, memory, Node, nats-server and Docker versions, load now. */
export function describeMachine(natsServerBinary = process.env['PLATO_NATS_SERVER'] ?? 'nats-server'): Machine {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpus: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    natsServer: versionOf(natsServerBinary, ['--version']).replace(/^nats-server:\s*/, ''),
    docker: versionOf('docker', ['version', '--format', '{{.Server.Version}}']),
    loadAtStart: loadAverages(),
  };
}

/** One line naming the machine and its load at the start (and at the end, when given). */
export function machineLine(m: Machine, loadAtEnd?: number[]): string {
  const end = loadAtEnd ? `, at end ${loadAtEnd.join(' / ')}` : '';
  return (
    `${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB RAM, Node ${m.node}, nats-server ${m.natsServer}, Docker ${m.docker}; ` +
    `load average (1/5/15 min) at start ${m.loadAtStart.join(' / ')}${end}`
  );
}

let clockTicks: number | undefined;

/** CPU seconds (user + system) process `pid` has used, from /proc; undefined when unknown. */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return undefined;
  }
}

/** Formats a table: the first row is the header, first column left-aligned, the rest right-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r, i) => {
      const line = r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

/** A whole number with thousands separators. */
export const fmt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '?');

/** Seconds with 3 decimals from milliseconds. */
export const secs = (ms: number): string => (Number.isFinite(ms) ? (ms / 1000).toFixed(3) : '?');

/** The median of `xs` (NaN when empty). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Counts arrivals of something and lets a caller wait, with a deadline, for the n-th. */
export class Arrivals {
  private readonly times: number[] = [];
  private readonly waiters: { n: number; resolve: (at: number) => void }[] = [];

  /** Arrival times so far (epoch ms), in order of arrival. */
  get all(): readonly number[] {
    return this.times;
  }

  get count(): number {
    return this.times.length;
  }

  /** Records one arrival at `at` (epoch ms, default now). */
  add(at = Date.now()): void {
    this.times.push(at);
    for (const w of [...this.waiters]) {
      if (this.times.length >= w.n) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(this.times[w.n - 1]!);
      }
    }
  }

  /** Resolves with the time of the n-th arrival; rejects after `timeoutMs` naming `what`. */
  waitFor(n: number, timeoutMs: number, what: string): Promise<number> {
    if (this.times.length >= n) return Promise.resolve(this.times[n - 1]!);
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${this.times.length}/${n}`));
      }, timeoutMs);
      const waiter = {
        n,
        resolve: (at: number) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
      this.waiters.push(waiter);
    });
  }
}

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

/** The host a run measured: every bench's machine description starts with these. */
export interface Host {
  cpuModel: string;
  cpus: number;
  memoryGiB: number;
  node: string;
}

/** This host: CPU model and count, memory, Node version. */
export function describeHost(): Host {
  const list = cpus();
  return { cpuModel: list[0]?.model.trim() ?? 'unknown', cpus: list.length, memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10, node: process.version };
}

/** `2 × <model>, 7.7 GiB RAM, Node v20…`: the start of every bench's machine line. */
export function hostLine(h: Host): string {
  return `${h.cpus} × ${h.cpuModel}, ${h.memoryGiB} GiB RAM, Node ${h.node}`;
}

const rounded = (n: number): number => Math.round(n * 100) / 100;

/** The 1-, 5- and 15-minute load averages now, rounded to hundredths. */
export function loadAverages(): number[] {
  return loadavg().map(rounded);
}

/** The 1-minute load average now, rounded to hundredths. */
export function loadAverage1m(): number {
  return rounded(loadavg()[0] ?? 0);
}

/** What `binary args` prints, trimmed; `fallback` when it fails or does not answer within 10 s. */
export function versionOf(binary: string, args: string[], fallback = 'unavailable'): string {
  try {
    return execFileSync(binary, args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return fallback;
  }
}

/** The version of the nats-server binary (`PLATO_NATS_SERVER`, else the one on PATH). */
export function natsServerVersion(binary = process.env['PLATO_NATS_SERVER'] ?? 'nats-server', fallback = 'unavailable'): string {
  return versionOf(binary, ['--version'], fallback).replace(/^nats-server:\s*/, '');
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

/** The machine a run of a cluster bench measured, printed with its figures: the cores are shared with other work. */
export interface Machine extends Host {
  natsServer: string;
  /** The Docker engine's version, `unavailable` when it does not answer. */
  docker: string;
  /** 1-, 5- and 15-minute load averages when the run started. */
  loadAtStart: number[];
}

/** Describes this machine: CPUs, memory, Node, nats-server and Docker versions, load now. */
export function describeMachine(natsServerBinary?: string): Machine {
  return {
    ...describeHost(),
    natsServer: natsServerVersion(natsServerBinary),
    docker: versionOf('docker', ['version', '--format', '{{.Server.Version}}']),
    loadAtStart: loadAverages(),
  };
}

/** One line naming the machine and its load at the start (and at the end, when given). */
export function machineLine(m: Machine, loadAtEnd?: number[]): string {
  const end = loadAtEnd ? `, at end ${loadAtEnd.join(' / ')}` : '';
  return `${hostLine(m)}, nats-server ${m.natsServer}, Docker ${m.docker}; load average (1/5/15 min) at start ${m.loadAtStart.join(' / ')}${end}`;
}

/**
 * Starts measuring the CPU used by the processes `pids` (by name) and by this one (`bench`); the
 * function returned gives each one's CPU since then, in % of one core over the wall time.
 */
export function startCpuMeter(pids: Record<string, number>): () => Record<string, number> {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuSeconds(pid)]));
  const own0 = process.cpuUsage();
  const t0 = Date.now();
  return () => {
    const wall = (Date.now() - t0) / 1000;
    const pct = (seconds: number) => Math.round((seconds / wall) * 1000) / 10;
    const shares: Record<string, number> = {};
    for (const [name, pid] of Object.entries(pids)) {
      const a = before[name];
      const b = processCpuSeconds(pid);
      if (a !== undefined && b !== undefined) shares[name] = pct(b - a);
    }
    const own = process.cpuUsage(own0);
    shares['bench'] = pct((own.user + own.system) / 1e6);
    return shares;
  };
}

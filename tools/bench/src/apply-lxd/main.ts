/**
 * LXD apply benchmark (`npm run bench:apply-lxd`; a measurement, not a test; issue 4).
 *
 * Starts a whole single-node cluster with `plato up` (free loopback ports, a temporary state dir, a
 * node id unique to the run, an agent offering only LXD and importing the image from the image
 * cache) and, for each port mode (a published port through an LXD proxy device, or none) and each
 * size N (1 and 20 replicas), alternates timed rounds of:
 * - **apply**: ApplyDeployment of N `runtime: lxd` busybox httpd replicas (small cpu/memory) until
 *   the Nth AllocationStarted is seen in the log, then delete and wait until every instance is gone;
 * - **floor**: N bare creates + starts of the same image, command, limits and proxy device through
 *   LXD's REST API (libs/runtime's LxdClient), all at once, until every start returned; then delete.
 * Reports median and best of each, the ratio apply / floor (target ≤ 1.2×), and where one apply's
 * time goes (events' server timestamps and LXD's own create and start times). Prints the machine
 * line, tables and, last, one JSON line. Every wait is bounded, a global timeout aborts the run;
 * `plato up` is stopped by PID, and exactly this run's instances (config keys
 * `user.plato.label.plato.node=<run's node id>` and `user.plato.bench.run=<run id>`) and state dir
 * are removed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { platoEvents } from '@plato/contracts';
import { JetStreamEventStore, type EventStore } from '@plato/event-store';
import { connectNats } from '@plato/messaging';
import { LxdClient } from '@plato/runtime';
import { newRunId, repoRoot } from '@plato/testing';
import { ApplyRunner, type ApplyRound } from '../apply/apply.rounds.js';
import { requireNodeRoom, type NodeCapacity } from '../apply/node-room.check.js';
import { PlatoUpProcess } from '../apply/plato-up.process.js';
import { benchLog, guardedRun, parseOrExit, printResults } from '../shared/bench.main.js';
import { describeMachine, loadAverages, machineLine, startCpuMeter, type Machine } from '../shared/machine.describe.js';
import { median, percentages, ratio, secs, table } from '../shared/table.format.js';
import { lxdApplyUsage, parseLxdApplyOptions, type LxdApplyOptions, type PortMode } from './apply-lxd.options.js';
import { FloorKeys, lxdFloorRound, type LxdFloorRound, type LxdFloorSpec } from './lxd-launch.floor.js';
import { LxdInstances } from './lxd.instances.js';

const target = 1.2;
const log = benchLog('bench:apply-lxd');
const command = ['busybox', 'httpd', '-f', '-p', '8080', '-h', '/www'];
const containerPort = 8080;

interface SizeResult {
  mode: PortMode;
  replicas: number;
  applies: ApplyRound[];
  floors: LxdFloorRound[];
  median: { reportedMs: number; floorMs: number };
  best: { reportedMs: number; floorMs: number };
  /** Apply (all reported running) / floor (every create + start returned), medians. */
  ratio: number;
  /** The same, best against best. */
  ratioBest: number;
  target: { wanted: number; met: boolean };
}

interface Results {
  bench: 'apply-lxd';
  date: string;
  machine: Machine;
  lxd: string;
  loadAtEnd: number[];
  options: LxdApplyOptions;
  nodeId: string;
  nodeCapacity: NodeCapacity;
  sizes: SizeResult[];
  /** CPU of each process over the timed rounds, in % of one core. */
  cpuPct: Record<string, number>;
}

interface Cluster {
  nc: NatsConnection;
  store: EventStore;
  up: PlatoUpProcess;
  client: LxdClient;
  instances: LxdInstances;
  nodeId: string;
  runId: string;
}

function summarize(mode: PortMode, replicas: number, applies: ApplyRound[], floors: LxdFloorRound[]): SizeResult {
  const pick = (f: (xs: number[]) => number) => ({ reportedMs: f(applies.map((a) => a.reportedMs)), floorMs: f(floors.map((a) => a.apiMs)) });
  const med = pick(median);
  const best = pick((xs) => Math.min(...xs));
  const r = ratio(med.reportedMs, med.floorMs);
  return { mode, replicas, applies, floors, median: med, best, ratio: r, ratioBest: ratio(best.reportedMs, best.floorMs), target: { wanted: target, met: r <= target } };
}

/** Warm-up and timed rounds of one port mode, every size. */
async function measureMode(options: LxdApplyOptions, cluster: Cluster, mode: PortMode, profiles: string[]): Promise<SizeResult[]> {
  const { nc, store, client, instances, nodeId, runId } = cluster;
  const timeoutMs = options.roundTimeoutSeconds * 1000;
  const m = mode === 'with-port' ? 'p' : 'n';
  const runner = new ApplyRunner({
    nc,
    store,
    engine: instances,
    nodeId,
    roundTimeoutMs: timeoutMs,
    template: {
      runtime: 'lxd',
      image: options.image,
      command: command.slice(0, 2),
      args: command.slice(2),
      resources: { cpu: options.cpu, memory: options.memory },
      ports: mode === 'with-port' ? [{ container: containerPort }] : [],
    },
  });
  await runner.start();
  const suffix = runId.slice(-8);
  try {
    log(`${mode}: warm-up, one apply of 1 and one create + start (untimed)`);
    await runner.round(`w${m}-${suffix}`, 1);
    const alias = await client.sync<{ target: string }>('GET', `/1.0/images/aliases/${encodeURIComponent(options.image)}`);
    const spec: LxdFloorSpec = { fingerprint: alias.target, command, cpu: options.cpu, memory: options.memory, profiles, ...(mode === 'with-port' ? { containerPort } : {}) };
    await lxdFloorRound(client, instances, spec, runId, `pbf-${suffix}-${m}w`, 1, timeoutMs);

    const results: SizeResult[] = [];
    for (const n of options.sizes) {
      const applies: ApplyRound[] = [];
      const floors: LxdFloorRound[] = [];
      const rounds = n === 1 ? options.singleRounds : options.rounds;
      for (let r = 0; r < rounds; r++) {
        const doApply = async () => {
          const a = await runner.round(`b${n}${m}-r${r}-${suffix}`, n);
          applies.push(a);
          log(`${mode} apply ${n}: reported running ${secs(a.reportedMs)} s, last LXD start began ${secs(a.engineMs)} s, delete ${secs(a.deleteMs)} s`);
        };
        const doFloor = async () => {
          const f = await lxdFloorRound(client, instances, spec, runId, `pbf-${suffix}-${m}${n}r${r}`, n, timeoutMs);
          floors.push(f);
          log(`${mode} LXD create + start × ${n}: ${secs(f.apiMs)} s (creates ${secs(f.createdMs)} s, last start began ${secs(f.engineStartMs)} s)`);
        };
        for (const step of r % 2 === 0 ? [doApply, doFloor] : [doFloor, doApply]) await step();
      }
      results.push(summarize(mode, n, applies, floors));
    }
    return results;
  } finally {
    await runner.close();
  }
}

async function run(options: LxdApplyOptions, machine: Machine, cluster: Cluster): Promise<Results> {
  const capacity = await requireNodeRoom(cluster.nc, cluster.nodeId, Math.max(...options.sizes), options.cpu, options.memory);
  log(`node ${cluster.nodeId}: capacity ${capacity.cpu} m / ${capacity.memory} MiB; replicas ${options.cpu} m / ${options.memory} MiB`);
  const server = await cluster.client.sync<{ environment?: { server_version?: string } }>('GET', '/1.0');
  const cpuShares = startCpuMeter({ ...cluster.up.pids });
  const sizes: SizeResult[] = [];
  for (const mode of options.portModes) sizes.push(...(await measureMode(options, cluster, mode, ['default'])));
  return {
    bench: 'apply-lxd',
    date: new Date().toISOString(),
    machine,
    lxd: server.environment?.server_version ?? 'unknown',
    loadAtEnd: loadAverages(),
    options,
    nodeId: cluster.nodeId,
    nodeCapacity: capacity,
    sizes,
    cpuPct: cpuShares(),
  };
}

/** The apply round with the median reported time. */
function medianApply(s: SizeResult): ApplyRound {
  const sorted = [...s.applies].sort((a, b) => a.reportedMs - b.reportedMs);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function report(r: Results): string {
  const out: string[] = [];
  out.push(`LXD apply benchmark — ${r.date}`);
  out.push(`machine: ${machineLine(r.machine, r.loadAtEnd)}, LXD ${r.lxd}`);
  out.push(
    `one node (${r.nodeId}, ${r.nodeCapacity.cpu} m / ${r.nodeCapacity.memory} MiB, runtime lxd); replicas: ${r.options.image} busybox httpd, ` +
      `${r.options.cpu} m / ${r.options.memory} MiB; rounds: ${r.options.singleRounds} of 1, ${r.options.rounds} of the others; warm-up untimed`,
  );
  out.push('');
  const mb = (m: number, b: number) => `${secs(m)} / ${secs(b)}`;
  const rows = [['port', 'replicas', 'apply → all reported running', 'LXD create + start × N', 'ratio (median)', 'ratio (best)', 'target', 'met']];
  for (const s of r.sizes) {
    rows.push([s.mode, String(s.replicas), mb(s.median.reportedMs, s.best.reportedMs), mb(s.median.floorMs, s.best.floorMs), `${s.ratio}×`, `${s.ratioBest}×`, `≤ ${s.target.wanted}×`, s.target.met ? 'yes' : 'NO']);
  }
  out.push(table(rows, 2));
  out.push('(seconds, median / best; ratio = apply → all reported running ÷ every create + start through the REST API returned)');
  out.push('');
  out.push("Where one apply goes (median round; ms after ApplyDeployment was sent; events' server timestamps, LXD's created_at and last_used_at):");
  const brows = [['port', 'replicas', 'SpecApplied', '1st Placed', 'last Placed', '1st create', 'last create', '1st start', 'last start', '1st Started', 'last Started', 'seen by bench', 'delete → gone']];
  for (const s of r.sizes) {
    const m = medianApply(s);
    const b = m.breakdown;
    const cells = [b.specApplied, b.firstPlaced, b.lastPlaced, b.firstEngineCreate, b.lastEngineCreate, b.firstEngineStart, b.lastEngineStart, b.firstStarted, b.lastStarted, m.reportedMs, m.deleteMs];
    brows.push([s.mode, String(s.replicas), ...cells.map((v) => String(Math.round(v)))]);
  }
  out.push(table(brows, 2));
  out.push('(create = LXD began creating the instance; start = LXD began starting it, before its proxy device; Started = the agent reported it running)');
  out.push('');
  out.push('The floor (median of each; ms after the first create was sent):');
  const frows = [['port', 'replicas', 'every create returned', 'last start began (LXD)', 'every start returned']];
  for (const s of r.sizes) {
    const med = (f: (x: LxdFloorRound) => number) => String(Math.round(median(s.floors.map(f))));
    frows.push([s.mode, String(s.replicas), med((f) => f.createdMs), med((f) => f.engineStartMs), med((f) => f.apiMs)]);
  }
  out.push(table(frows, 2));
  out.push('');
  out.push(`CPU over the timed rounds (% of one core): ${percentages(r.cpuPct)}`);
  return out.join('\n');
}

async function main(): Promise<number> {
  const options = parseOrExit(parseLxdApplyOptions, lxdApplyUsage);
  if (typeof options === 'number') return options;
  const machine = describeMachine();
  log(machineLine(machine));
  const runId = newRunId('bench-lxd');
  const nodeId = runId;
  const socketPath = process.env['PLATO_LXD_SOCKET'] ?? '/var/lib/lxd/unix.socket';
  const client = new LxdClient({ socketPath, operationTimeoutMs: options.roundTimeoutSeconds * 1000 });
  const instances = new LxdInstances(client);
  const stateDir = await mkdtemp(join(tmpdir(), 'plato-bench-apply-lxd-'));
  const env = {
    PLATO_RUNTIMES: 'lxd',
    PLATO_LXD_SOCKET: socketPath,
    PLATO_IMAGE_CACHE: process.env['PLATO_IMAGE_CACHE'] ?? join(repoRoot, 'tools', 'images', '.cache'),
  };
  let up: PlatoUpProcess | undefined;
  let nc: NatsConnection | undefined;
  let store: EventStore | undefined;
  return guardedRun(options.timeoutSeconds, log, () => ({
    run: async () => {
      up = await PlatoUpProcess.start({ repoRoot, stateDir, nodeId, env });
      log(`plato up (pid ${up.pids['cli']}) on ${up.natsUrl}, state dir ${stateDir}, node ${nodeId}, LXD at ${socketPath}`);
      nc = await connectNats({ name: 'plato-bench-apply-lxd', servers: up.natsUrl });
      store = await JetStreamEventStore.connect(nc, { catalog: platoEvents });
      const results = await run(options, machine, { nc, store, up, client, instances, nodeId, runId });
      printResults(report(results), results);
      return 0;
    },
    cleanup: async () => {
      await store?.close().catch(() => undefined);
      await Promise.race([nc?.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2_000))]);
      await up?.stop().catch((error: unknown) => log(`could not stop plato up: ${String(error)}`));
      for (const [key, value] of [instances.labelKey(`plato.node=${nodeId}`), [FloorKeys.run, runId]] as const) {
        const removed = await instances.removeAll(key, value).catch((error: unknown) => (log(`could not remove ${key}=${value}: ${String(error)}`), 0));
        if (removed > 0) log(`removed ${removed} leftover instance(s) with ${key}=${value}`);
      }
      await client.close();
      await rm(stateDir, { recursive: true, force: true });
      log(`stopped plato up (pid ${up?.pids['cli'] ?? '-'}) and removed ${stateDir}`);
    },
    onFailure: async () => {
      if (up) log(`plato up said:\n${up.log.slice(-3000)}`);
    },
  }));
}

process.exit(await main());

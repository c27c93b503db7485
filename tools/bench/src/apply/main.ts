/**
 * Apply benchmark (`npm run bench:apply`; a measurement, not a test).
 *
 * Starts a whole single-node cluster with `plato up` (free loopback ports, a temporary state dir, a
 * node id unique to the run) and, for each size N (1, 10, 50 replicas on that one node), alternates
 * timed rounds of:
 * - **apply**: ApplyDeployment of N busybox httpd replicas (small cpu/memory, a port on 127.0.0.1)
 *   until the Nth AllocationStarted is seen in the log (a subscription, no polling), and until the
 *   engine reported N container starts; then delete and wait until every allocation stopped and
 *   every container is gone;
 * - **floor**: `docker run -d` of the same image, command, limits and a loopback port, N at once,
 *   until every CLI returned (and N engine start events); then remove them.
 * Reports median and best of each, the ratio apply / floor, and where one apply's time goes (the
 * events' server timestamps: SpecApplied → AllocationPlaced → container start → AllocationStarted).
 * Prints the machine line, a table and, last, one JSON line. Every wait is bounded, a global
 * timeout aborts the run; `plato up` is stopped by PID, and exactly this run's containers (labels
 * `plato.node=<run's node id>` and `plato.bench.run=<run id>`) and state dir are removed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { platoEvents } from '@plato/contracts';
import { JetStreamEventStore } from '@plato/event-store';
import { connectNats } from '@plato/messaging';
import { newRunId, repoRoot } from '@plato/testing';
import { ApplyRunner, type ApplyRound } from './apply.rounds.js';
import { applyUsage, parseApplyOptions, type ApplyOptions } from './apply.options.js';
import { DockerEngine } from './docker.engine.js';
import { floorRound, type FloorRound, type FloorSpec } from './docker-run.floor.js';
import { requireNodeRoom } from './node-room.check.js';
import { PlatoUpProcess } from './plato-up.process.js';
import { benchLog, guardedRun, parseOrExit, printResults } from '../shared/bench.main.js';
import { describeMachine, loadAverages, machineLine, startCpuMeter, type Machine } from '../shared/machine.describe.js';
import { median, percentages, ratio, secs, table } from '../shared/table.format.js';

const targets: Record<number, number> = { 1: 1.2, 50: 1.3 };
const log = benchLog('bench:apply');

interface SizeResult {
  replicas: number;
  applies: ApplyRound[];
  floors: FloorRound[];
  median: { reportedMs: number; dockerMs: number; floorMs: number; floorDockerMs: number };
  best: { reportedMs: number; dockerMs: number; floorMs: number; floorDockerMs: number };
  /** Apply (all reported running) / floor (all `docker run -d` returned), medians. */
  ratio: number;
  /** The same, best against best. */
  ratioBest: number;
  /** Containers running by the engine's events under apply / floor, medians: the agent's share alone. */
  ratioDocker: number;
  target?: { wanted: number; met: boolean };
}

interface Results {
  bench: 'apply';
  date: string;
  machine: Machine;
  loadAtEnd: number[];
  options: ApplyOptions;
  nodeId: string;
  nodeCapacity: { cpu: number; memory: number };
  sizes: SizeResult[];
  /** CPU of each process over the timed rounds, in % of one core. */
  cpuPct: Record<string, number>;
}

function summarize(replicas: number, applies: ApplyRound[], floors: FloorRound[]): SizeResult {
  const pick = (f: (xs: number[]) => number) => ({
    reportedMs: f(applies.map((a) => a.reportedMs)),
    dockerMs: f(applies.map((a) => a.engineMs)),
    floorMs: f(floors.map((a) => a.cliMs)),
    floorDockerMs: f(floors.map((a) => a.dockerMs)),
  });
  const med = pick(median);
  const best = pick((xs) => Math.min(...xs));
  const result: SizeResult = {
    replicas,
    applies,
    floors,
    median: med,
    best,
    ratio: ratio(med.reportedMs, med.floorMs),
    ratioBest: ratio(best.reportedMs, best.floorMs),
    ratioDocker: ratio(med.dockerMs, med.floorDockerMs),
  };
  const wanted = targets[replicas];
  if (wanted !== undefined) result.target = { wanted, met: result.ratio <= wanted };
  return result;
}

async function run(options: ApplyOptions, machine: Machine, up: PlatoUpProcess, nc: NatsConnection, docker: DockerEngine, nodeId: string, runId: string): Promise<Results> {
  const capacity = await requireNodeRoom(nc, nodeId, Math.max(...options.sizes), options.cpu, options.memory);
  log(`node ${nodeId}: capacity ${capacity.cpu} m / ${capacity.memory} MiB; replicas ${options.cpu} m / ${options.memory} MiB`);

  const command = ['busybox', 'httpd', '-f', '-p', '8080', '-h', '/www'];
  const floorSpec: FloorSpec = { image: options.image, command, cpu: options.cpu, memory: options.memory, containerPort: 8080 };
  const store = await JetStreamEventStore.connect(nc, { catalog: platoEvents });
  const runner = new ApplyRunner({
    nc,
    store,
    engine: docker,
    nodeId,
    roundTimeoutMs: options.roundTimeoutSeconds * 1000,
    template: {
      image: options.image,
      command: command.slice(0, 2),
      args: command.slice(2),
      resources: { cpu: options.cpu, memory: options.memory },
      ports: [{ container: 8080 }],
    },
  });
  await runner.start();
  const suffix = runId.slice(-8);
  const runLabel = `plato.bench.run=${runId}`;
  const timeoutMs = options.roundTimeoutSeconds * 1000;
  try {
    log('warm-up: one apply of 1 and one docker run -d (untimed)');
    await runner.round(`warm-${suffix}`, 1);
    await floorRound(docker, floorSpec, runLabel, `plato-bench-floor-${suffix}-warm`, 1, timeoutMs);

    const cpuShares = startCpuMeter({ ...up.pids });
    const sizes: SizeResult[] = [];
    for (const n of options.sizes) {
      const applies: ApplyRound[] = [];
      const floors: FloorRound[] = [];
      const rounds = n === 1 ? options.singleRounds : options.rounds;
      for (let r = 0; r < rounds; r++) {
        const doApply = async () => {
          const a = await runner.round(`b${n}-r${r}-${suffix}`, n);
          applies.push(a);
          log(`apply ${n}: reported running ${secs(a.reportedMs)} s, containers running ${secs(a.engineMs)} s, delete ${secs(a.deleteMs)} s`);
        };
        const doFloor = async () => {
          const f = await floorRound(docker, floorSpec, runLabel, `plato-bench-floor-${suffix}-n${n}r${r}`, n, timeoutMs);
          floors.push(f);
          log(`docker run -d × ${n}: ${secs(f.cliMs)} s (engine starts ${secs(f.dockerMs)} s)`);
        };
        for (const step of r % 2 === 0 ? [doApply, doFloor] : [doFloor, doApply]) await step();
      }
      sizes.push(summarize(n, applies, floors));
    }
    const cpuPct = cpuShares();
    return {
      bench: 'apply',
      date: new Date().toISOString(),
      machine,
      loadAtEnd: loadAverages(),
      options,
      nodeId,
      nodeCapacity: capacity,
      sizes,
      cpuPct,
    };
  } finally {
    await runner.close();
    await store.close();
  }
}

function report(r: Results): string {
  const out: string[] = [];
  out.push(`Apply benchmark — ${r.date}`);
  out.push(`machine: ${machineLine(r.machine, r.loadAtEnd)}`);
  out.push(
    `one node (${r.nodeId}, ${r.nodeCapacity.cpu} m / ${r.nodeCapacity.memory} MiB); replicas: ${r.options.image} busybox httpd, ` +
      `${r.options.cpu} m / ${r.options.memory} MiB, one port on 127.0.0.1; rounds: ${r.options.singleRounds} of 1, ${r.options.rounds} of the others`,
  );
  out.push('');
  const rows = [['replicas', 'apply → all reported running', 'apply → containers running', 'docker run -d × N', 'floor engine starts', 'ratio (median)', 'ratio (best)', 'target', 'met']];
  for (const s of r.sizes) {
    const mb = (m: number, b: number) => `${secs(m)} / ${secs(b)}`;
    rows.push([
      String(s.replicas),
      mb(s.median.reportedMs, s.best.reportedMs),
      mb(s.median.dockerMs, s.best.dockerMs),
      mb(s.median.floorMs, s.best.floorMs),
      mb(s.median.floorDockerMs, s.best.floorDockerMs),
      `${s.ratio}×`,
      `${s.ratioBest}×`,
      s.target ? `≤ ${s.target.wanted}×` : '',
      s.target ? (s.target.met ? 'yes' : 'NO') : '',
    ]);
  }
  out.push(table(rows));
  out.push('(seconds, median / best; ratio = apply → all reported running ÷ docker run -d × N returned)');
  out.push('');
  out.push('Where one apply goes (median round by reported time; ms after ApplyDeployment was sent; server timestamps of the events, engine timestamps of the starts):');
  const brows = [['replicas', 'SpecApplied', '1st Placed', 'last Placed', '1st container start', 'last container start', '1st Started', 'last Started', 'seen by bench', 'delete → gone']];
  for (const s of r.sizes) {
    const sorted = [...s.applies].sort((a, b) => a.reportedMs - b.reportedMs);
    const m = sorted[Math.floor((sorted.length - 1) / 2)]!;
    const b = m.breakdown;
    brows.push([String(s.replicas), ...[b.specApplied, b.firstPlaced, b.lastPlaced, b.firstEngineStart, b.lastEngineStart, b.firstStarted, b.lastStarted, m.reportedMs, m.deleteMs].map((v) => String(Math.round(v)))]);
  }
  out.push(table(brows));
  out.push('');
  out.push(`CPU over the timed rounds (% of one core): ${percentages(r.cpuPct)}`);
  return out.join('\n');
}

async function main(): Promise<number> {
  const options = parseOrExit(parseApplyOptions, applyUsage);
  if (typeof options === 'number') return options;
  const machine = describeMachine();
  log(machineLine(machine));
  const runId = newRunId('bench-apply');
  const nodeId = runId;
  const docker = new DockerEngine();
  const stateDir = await mkdtemp(join(tmpdir(), 'plato-bench-apply-'));
  let up: PlatoUpProcess | undefined;
  let nc: NatsConnection | undefined;
  return guardedRun(options.timeoutSeconds, log, () => ({
    run: async () => {
      up = await PlatoUpProcess.start({ repoRoot, stateDir, nodeId });
      log(`plato up (pid ${up.pids['cli']}) on ${up.natsUrl}, state dir ${stateDir}, node ${nodeId}`);
      nc = await connectNats({ name: 'plato-bench-apply', servers: up.natsUrl });
      const results = await run(options, machine, up, nc, docker, nodeId, runId);
      printResults(report(results), results);
      return 0;
    },
    cleanup: async () => {
      await Promise.race([nc?.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2_000))]);
      await up?.stop().catch((error: unknown) => log(`could not stop plato up: ${String(error)}`));
      for (const label of [`plato.node=${nodeId}`, `plato.bench.run=${runId}`]) {
        const removed = await docker.removeAll(label).catch((error: unknown) => (log(`could not remove ${label}: ${String(error)}`), 0));
        if (removed > 0) log(`removed ${removed} leftover container(s) labelled ${label}`);
      }
      await rm(stateDir, { recursive: true, force: true });
      log(`stopped plato up (pid ${up?.pids['cli'] ?? '-'}) and removed ${stateDir}`);
    },
    onFailure: async () => {
      if (up) log(`plato up said:\n${up.log.slice(-3000)}`);
    },
  }));
}

process.exit(await main());

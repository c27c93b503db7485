/**
 * Hollow-agent benchmark (`npm run bench:hollow`; a measurement, not a test).
 *
 * End to end through the log without Docker: starts a private nats-server (NatsServerProcess), the
 * real state-server and scheduler processes (their dist/main.js), and in this process ONE hollow-agent
 * host simulating 1 000 nodes with a fake runtime (see HollowAgentHost: each node registers,
 * heartbeats once per interval, and reports `started` with a fake container id for each of its
 * AllocationPlaced). Then applies 100 deployments × 100 replicas and measures, from the first apply,
 * the time to the 10 000th AllocationPlaced (placements/s) and to the 10 000th AllocationStarted
 * (end-to-end/s). To show where the time goes it reports each plan (placements, how long its
 * AllocationPlaced appends took, the gap before the next), placements and starts per second, the
 * CPU of every process, report latencies, and (with --cpu-prof, on by default) where the
 * state-server's and scheduler's CPU went. Prints the machine line, tables and, last, one JSON
 * line. Counts and waits are bounded and a global timeout aborts the run; every process is stopped
 * by PID and the temporary store and directory are removed.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { ApplyDeployment, ListDeployments, ListNodes, platoEvents } from '@plato/contracts';
import { JetStreamEventStore } from '@plato/event-store';
import { connectNats, request } from '@plato/messaging';
import { eventually, NatsServerProcess, newRunId, repoRoot } from '@plato/testing';
import { HollowAgentHost, type PlanTrace } from './hollow-agent.host.js';
import { hollowUsage, parseHollowOptions, type HollowOptions } from './hollow.options.js';
import { JetStreamApiCounter } from './jetstream-api.counter.js';
import { ServiceProcess } from './service.process.js';
import { benchLog, guardedRun, parseOrExit, printResults } from '../shared/bench.main.js';
import { summarizeCpuProfile, topFramesLine, type CpuProfileSummary } from '../shared/cpu-profile.summary.js';
import { describeMachine, loadAverages, machineLine, processCpuSeconds, type Machine } from '../shared/machine.describe.js';
import { fmt, median, percentages, secs, table } from '../shared/table.format.js';

const target = 5_000;
const log = benchLog('bench:hollow');

interface PlanRow extends PlanTrace {
  /** Server time from its first to its last AllocationPlaced (ms). */
  appendMs: number;
  /** From the previous plan's last AllocationPlaced (or the first apply) to this plan's first (ms). */
  gapMs: number;
}

interface Results {
  bench: 'hollow';
  date: string;
  machine: Machine;
  loadAtEnd: number[];
  options: HollowOptions;
  allocations: number;
  registerSeconds: number;
  applySeconds: number;
  placedSeconds: number;
  startedSeconds: number;
  placementsPerSecond: number;
  endToEndPerSecond: number;
  /** The same from the events' server timestamps (last event's `created` − first apply sent). */
  placedServerSeconds: number;
  startedServerSeconds: number;
  plans: PlanRow[];
  schedulerLog: { applied: number; refused: number; unanswered: number; failed: number };
  perSecond: { second: number; placed: number; started: number }[];
  reports: { accepted: number; failed: number; lastFailure?: string; medianMs: number; p99Ms: number };
  cpuPct: Record<string, number>;
  /** CPU by phase: first apply → last placement, last placement → last start (% of one core). */
  cpuPctByPhase: { placing: Record<string, number>; reporting: Record<string, number> };
  /** JetStream API requests and appends of all clients by phase (placing, reporting), by kind. */
  jetstreamApi: { placing: Record<string, number>; reporting: Record<string, number> };
  profiles: Record<string, CpuProfileSummary>;
  target: { wanted: number; met: boolean };
}

function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

function perSecond(t0: number, placed: number[], started: number[]): Results['perSecond'] {
  const buckets = new Map<number, { placed: number; started: number }>();
  const bump = (t: number, key: 'placed' | 'started') => {
    const s = Math.floor((t - t0) / 1000);
    const b = buckets.get(s) ?? { placed: 0, started: 0 };
    b[key]++;
    buckets.set(s, b);
  };
  placed.forEach((t) => bump(t, 'placed'));
  started.forEach((t) => bump(t, 'started'));
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([second, b]) => ({ second, ...b }));
}

interface Cluster {
  nats: NatsServerProcess;
  services: ServiceProcess[];
  dir: string;
  profileDir: string;
}

async function run(options: HollowOptions, machine: Machine, cluster: Cluster, nc: NatsConnection): Promise<Results> {
  const store = await JetStreamEventStore.connect(nc, { catalog: platoEvents });
  const runId = newRunId('hollow').slice(-8);
  const nodeIds = Array.from({ length: options.nodes }, (_, i) => `hollow-${runId}-${String(i).padStart(4, '0')}`);
  const host = new HollowAgentHost({
    nc,
    store,
    nodeIds,
    capacity: { cpu: 1_000, memory: 1_024 },
    heartbeatMs: options.heartbeatMs,
    reportConcurrency: options.reportConcurrency,
  });
  const total = options.deployments * options.replicas;
  try {
    await host.subscribe();
    const r0 = Date.now();
    await host.register(options.registerConcurrency);
    host.startHeartbeats();
    const registerSeconds = (Date.now() - r0) / 1000;
    log(`${fmt(options.nodes)} hollow nodes registered in ${registerSeconds.toFixed(2)} s`);
    await eventually(
      async () => {
        const { items } = await request(nc, ListNodes, {}, { timeoutMs: 10_000 });
        return items.filter((n) => n.state === 'ready').length >= options.nodes;
      },
      { timeoutMs: 60_000, intervalMs: 100, description: `${options.nodes} nodes ready` },
    );

    const pids: Record<string, number | undefined> = { 'nats-server': cluster.nats.pid };
    for (const s of cluster.services) pids[s.name] = s.pid;
    const cpuNow = (): Record<string, number | undefined> => {
      const own = process.cpuUsage();
      return { ...Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, processCpuSeconds(pid)])), 'bench (hollow host)': (own.user + own.system) / 1e6 };
    };
    const cpuPctOf = (a: Record<string, number | undefined>, b: Record<string, number | undefined>, seconds: number): Record<string, number> =>
      Object.fromEntries(
        Object.keys(a)
          .filter((k) => a[k] !== undefined && b[k] !== undefined)
          .map((k) => [k, Math.round(((b[k]! - a[k]!) / seconds) * 1000) / 10]),
      );
    const api = new JetStreamApiCounter(nc);
    api.start();
    const api0 = api.snapshot();
    const cpu0 = cpuNow();
    const t0 = Date.now();
    const remainingMs = () => Math.max(1_000, options.timeoutSeconds * 1000 - (Date.now() - t0) - 30_000);
    let next = 0;
    const applier = async (): Promise<void> => {
      while (next < options.deployments) {
        const i = next++;
        const ahead = i * options.replicas - options.window;
        if (options.window > 0 && ahead >= 0) await host.placedSeen.waitFor(ahead + 1, remainingMs(), `placements before applying deployment ${i}`);
        await request(
          nc,
          ApplyDeployment,
          {
            commandId: `hollow-apply-${runId}-${i}`,
            spec: {
              name: `hollow-${i}`,
              image: 'plato/busybox:latest',
              replicas: options.replicas,
              resources: { cpu: 10, memory: 4 },
              strategy: options.strategy,
            },
          },
          { timeoutMs: 30_000 },
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.applyConcurrency, options.deployments) }, applier));
    const applySeconds = (Date.now() - t0) / 1000;
    log(`${options.deployments} deployments applied in ${applySeconds.toFixed(2)} s; waiting for ${fmt(total)} placements and starts`);
    const progress = setInterval(() => log(`placed ${fmt(host.placedSeen.count)}, started ${fmt(host.startedSeen.count)}, report backlog ${fmt(host.backlog)}`), 5_000);
    let placedAt: number;
    let startedAt: number;
    let cpuPlaced: Record<string, number | undefined> = {};
    let apiPlaced: Record<string, number> = {};
    try {
      placedAt = await host.placedSeen.waitFor(total, remainingMs(), `${total} AllocationPlaced`);
      cpuPlaced = cpuNow();
      apiPlaced = api.snapshot();
      log(`${fmt(total)} placed after ${secs(placedAt - t0)} s`);
      startedAt = await host.startedSeen.waitFor(total, remainingMs(), `${total} AllocationStarted`);
      log(`${fmt(total)} started after ${secs(startedAt - t0)} s`);
    } finally {
      clearInterval(progress);
    }
    const cpuEnd = cpuNow();
    const apiEnd = api.snapshot();
    api.stop();
    const tEnd = Date.now();
    const cpuPct = cpuPctOf(cpu0, cpuEnd, (tEnd - t0) / 1000);
    const cpuPctByPhase = { placing: cpuPctOf(cpu0, cpuPlaced, (placedAt - t0) / 1000), reporting: cpuPctOf(cpuPlaced, cpuEnd, (tEnd - placedAt) / 1000) };
    const jetstreamApi = { placing: JetStreamApiCounter.between(api0, apiPlaced), reporting: JetStreamApiCounter.between(apiPlaced, apiEnd) };

    const sortedPlans = [...host.plans.values()].sort((a, b) => a.firstPosition - b.firstPosition);
    const plans: PlanRow[] = sortedPlans.map((p, i) => ({
      ...p,
      appendMs: p.last - p.first,
      gapMs: p.first - (i === 0 ? t0 : sortedPlans[i - 1]!.last),
    }));
    const placedSeconds = (placedAt - t0) / 1000;
    const startedSeconds = (startedAt - t0) / 1000;
    return {
      bench: 'hollow',
      date: new Date().toISOString(),
      machine,
      loadAtEnd: loadAverages(),
      options,
      allocations: total,
      registerSeconds,
      applySeconds,
      placedSeconds,
      startedSeconds,
      placementsPerSecond: Math.round(total / placedSeconds),
      endToEndPerSecond: Math.round(total / startedSeconds),
      placedServerSeconds: (Math.max(...host.placedAt) - t0) / 1000,
      startedServerSeconds: (Math.max(...host.startedAt) - t0) / 1000,
      plans,
      schedulerLog: { applied: 0, refused: 0, unanswered: 0, failed: 0 },
      perSecond: perSecond(t0, host.placedAt, host.startedAt),
      reports: {
        accepted: host.reportMs.length,
        failed: host.failedReports,
        ...(host.lastFailure ? { lastFailure: host.lastFailure } : {}),
        medianMs: Math.round(median(host.reportMs)),
        p99Ms: Math.round(quantile(host.reportMs, 0.99)),
      },
      cpuPct,
      cpuPctByPhase,
      jetstreamApi,
      profiles: {},
      target: { wanted: target, met: total / placedSeconds >= target },
    };
  } finally {
    await host.close();
    await store.close();
  }
}

function schedulerLogOf(scheduler: ServiceProcess | undefined): Results['schedulerLog'] {
  const counts = { applied: 0, refused: 0, unanswered: 0, failed: 0 };
  for (const line of scheduler?.jsonLines() ?? []) {
    if (line['msg'] === 'plan applied') counts.applied++;
    else if (line['msg'] === 'plan refused as stale; planning again') counts.refused++;
    else if (line['msg'] === 'plan not answered; planning again') counts.unanswered++;
    else if (line['msg'] === 'planning failed') counts.failed++;
  }
  return counts;
}

function report(r: Results): string {
  const out: string[] = [];
  out.push(`Hollow-agent benchmark — ${r.date}`);
  out.push(`machine: ${machineLine(r.machine, r.loadAtEnd)}`);
  out.push(
    `${fmt(r.options.nodes)} hollow nodes (fake runtime, one host process, 1 000 m / 1 024 MiB each, a heartbeat per node every ${r.options.heartbeatMs} ms); ` +
      `${r.options.deployments} deployments × ${r.options.replicas} replicas (${r.options.strategy}, 10 m / 4 MiB) = ${fmt(r.allocations)} allocations; ` +
      `${r.options.applyConcurrency} applies and ${r.options.reportConcurrency} reports in flight at most; ` +
      (r.options.window > 0 ? `at most ${fmt(r.options.window)} replicas applied ahead of the placements seen` : 'applies not paced'),
  );
  out.push('');
  out.push(
    table([
      ['phase (from the first apply)', 'seconds', 'per second', 'server timestamps, s'],
      [`register ${fmt(r.options.nodes)} nodes (before)`, r.registerSeconds.toFixed(2), fmt(r.options.nodes / r.registerSeconds), ''],
      [`all ${r.options.deployments} applies answered`, r.applySeconds.toFixed(2), fmt(r.options.deployments / r.applySeconds), ''],
      [`${fmt(r.allocations)}th AllocationPlaced`, r.placedSeconds.toFixed(2), fmt(r.placementsPerSecond), r.placedServerSeconds.toFixed(2)],
      [`${fmt(r.allocations)}th AllocationStarted (end to end)`, r.startedSeconds.toFixed(2), fmt(r.endToEndPerSecond), r.startedServerSeconds.toFixed(2)],
    ]),
  );
  out.push('');
  out.push(table([['target', 'wanted', 'measured', 'met'], ['placements/s, 10k allocations on 1k nodes', `≥ ${fmt(r.target.wanted)}/s`, `${fmt(r.placementsPerSecond)}/s`, r.target.met ? 'yes' : 'NO']]));
  out.push('');
  out.push(`Plans (${r.plans.length}; scheduler log: ${r.schedulerLog.applied} applied, ${r.schedulerLog.refused} refused as stale, ${r.schedulerLog.unanswered} not answered, ${r.schedulerLog.failed} failed):`);
  const shown = r.plans.length > 16 ? [...r.plans.slice(0, 8), ...r.plans.slice(-8)] : r.plans;
  out.push(
    table([
      ['plan (first position)', 'placements', 'gap before (ms)', 'appends took (ms)', 'placements/s while appending'],
      ...shown.map((p) => [String(p.firstPosition), fmt(p.placements), fmt(p.gapMs), fmt(p.appendMs), p.appendMs > 0 ? fmt((p.placements / p.appendMs) * 1000) : '']),
    ]),
  );
  if (r.plans.length > 16) out.push(`(first and last 8 of ${r.plans.length}; all in the JSON)`);
  const gaps = r.plans.reduce((s, p) => s + p.gapMs, 0);
  const appends = r.plans.reduce((s, p) => s + p.appendMs, 0);
  out.push(`sum of gaps between plans ${secs(gaps)} s (scheduler: fold, plan, submit, the applier's check), sum of append spans ${secs(appends)} s (state-server: one AllocationPlaced append per placement)`);
  out.push('');
  out.push(`Per second (server timestamps): ${r.perSecond.map((b) => `${b.second}s ${b.placed}p/${b.started}s`).join(', ')}`);
  out.push(`Reports (at the last start): ${fmt(r.reports.accepted)} answered, ${r.reports.failed} failed${r.reports.lastFailure ? ` (last: ${r.reports.lastFailure})` : ''}; latency median ${r.reports.medianMs} ms, p99 ${r.reports.p99Ms} ms`);
  out.push(`CPU (% of one core), first apply → last start: ${percentages(r.cpuPct)}`);
  out.push(`  while placing (→ last AllocationPlaced): ${percentages(r.cpuPctByPhase.placing)}`);
  out.push(`  while reporting (last AllocationPlaced → last AllocationStarted): ${percentages(r.cpuPctByPhase.reporting)}`);
  out.push('');
  const per = (m: Record<string, number>) => Object.entries(m).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${fmt(v)} (${(v / r.allocations).toFixed(2)}/alloc)`).join(', ');
  out.push(`JetStream API requests and appends, all clients, while placing: ${per(r.jetstreamApi.placing)}`);
  out.push(`  while reporting: ${per(r.jetstreamApi.reporting)}`);
  for (const [name, p] of Object.entries(r.profiles)) {
    out.push('');
    out.push(`CPU profile of the ${name} (whole life, ${p.busySeconds} s busy):`);
    out.push('  by origin: ' + percentages(Object.fromEntries(Object.entries(p.byOrigin).slice(0, 8))));
    out.push('  top self time: ' + topFramesLine(p.top));
  }
  return out.join('\n');
}

async function main(): Promise<number> {
  const options = parseOrExit(parseHollowOptions, hollowUsage);
  if (typeof options === 'number') return options;
  const machine = describeMachine();
  log(machineLine(machine));
  const dir = await mkdtemp(join(tmpdir(), 'plato-bench-hollow-'));
  const cluster: Partial<Cluster> & { services: ServiceProcess[]; dir: string; profileDir: string } = { services: [], dir, profileDir: join(dir, 'profiles') };
  let nc: NatsConnection | undefined;
  return guardedRun(options.timeoutSeconds, log, (cleanup) => ({
    run: async () => {
      cluster.nats = await NatsServerProcess.start();
      log(`nats-server pid ${cluster.nats.pid} on ${cluster.nats.url}, store ${cluster.nats.storeDir}`);
      const env = {
        ...process.env,
        PLATO_NATS_URL: cluster.nats.url,
        PLATO_NODE_TIMEOUT_MS: String(options.nodeTimeoutMs),
        PLATO_SCHEDULER_NAME: 'bench-hollow',
      };
      for (const name of ['state-server', 'scheduler']) {
        const service = ServiceProcess.start({
          name,
          main: join(repoRoot, 'apps', name, 'dist', 'main.js'),
          env,
          logFile: join(dir, `${name}.log`),
          ...(options.profile ? { cpuProfileDir: join(cluster.profileDir, name) } : {}),
        });
        cluster.services.push(service);
        log(`${name} pid ${service.pid}, log ${service.logFile}`);
      }
      nc = await connectNats({ name: 'plato-bench-hollow', servers: cluster.nats.url });
      const conn = nc;
      await eventually(() => request(conn, ListDeployments, {}, { timeoutMs: 1_000 }), { timeoutMs: 30_000, intervalMs: 100, description: 'the state-server to answer' });
      const results = await run(options, machine, cluster as Cluster, nc);
      await cleanup();
      results.schedulerLog = schedulerLogOf(cluster.services.find((s) => s.name === 'scheduler'));
      if (options.profile) {
        for (const s of cluster.services) {
          const files = await readdir(join(cluster.profileDir, s.name)).catch(() => [] as string[]);
          const file = files.find((f) => f.endsWith('.cpuprofile'));
          if (file) results.profiles[s.name] = summarizeCpuProfile(join(cluster.profileDir, s.name, file));
        }
      }
      printResults(report(results), results);
      return 0;
    },
    cleanup: async () => {
      await Promise.race([nc?.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2_000))]);
      for (const s of [...cluster.services].reverse()) await s.stop().catch((error: unknown) => log(`could not stop ${s.name}: ${String(error)}`));
      await cluster.nats?.stop().catch((error: unknown) => log(`could not stop nats-server: ${String(error)}`));
      log(`stopped ${[...cluster.services.map((s) => `${s.name} (pid ${s.pid})`), `nats-server (store ${cluster.nats?.storeDir ?? '-'} removed)`].join(', ')}`);
    },
    afterAbort: () => rm(dir, { recursive: true, force: true }),
    onFailure: async () => {
      await cleanup();
      const scheduler = cluster.services.find((s) => s.name === 'scheduler');
      const counts = schedulerLogOf(scheduler);
      const lastWarning = scheduler?.jsonLines().filter((l) => Number(l['level']) >= 40).at(-1);
      log(`scheduler log: ${JSON.stringify(counts)}${lastWarning ? `; last warning: ${String(lastWarning['msg'])}: ${String(lastWarning['reason'] ?? '')} (${String(lastWarning['placements'] ?? '?')} placements)` : ''}`);
    },
    finish: async (failed) => {
      if (options.keep || failed) log(`kept ${dir} (service logs${options.profile ? ', CPU profiles' : ''})`);
      else await rm(dir, { recursive: true, force: true });
    },
  }));
}

process.exit(await main());

/**
 * Node-loss benchmark (`npm run bench:node-loss`; a measurement, not a test).
 *
 * Starts `plato up` (nats-server, state-server, scheduler, gateway and its own agent, node X, no
 * labels) and two more agents on the same Docker engine as separate processes, A (`zone=a`) and B
 * (`zone=b`), each with its own node id and 1 s heartbeats. One deployment of busybox httpd
 * replicas with a port on 127.0.0.1, constrained to zones a and b and spread, runs over A and B.
 * Each trial SIGKILLs the agent of the victim node (its containers keep running on Docker, as they
 * would on a machine cut off from the network) and times, from the kill, until every replica that
 * was on the victim has a replacement whose `AllocationStarted` is in the log: by the event's
 * server timestamp and by the bench's clock when its subscription received it. The breakdown is
 * kill → NodeLost → last replacement placed → started. Then the victim's agent is started again,
 * and the trial ends once the node is recovered and its replaced containers are removed; the
 * victim alternates, so replicas move back and forth. A trial that does not finish within
 * `--trial-timeout` is a miss. The floors, measured in the same run: the liveness timeout (from
 * NodeLost's own `timeoutMs`) and one `docker run -d` of the same image per trial.
 * Prints the machine line, a table and, last, one JSON line. Every process is stopped by PID;
 * exactly the containers of this run's node ids and run label are removed.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { ApplyDeployment } from '@plato/contracts';
import { request } from '@plato/messaging';
import { ServiceProcess, appMain, newRunId } from '@plato/testing';
import { DockerEngine } from '../apply/docker.engine.js';
import { floorRound, type FloorSpec } from '../apply/docker-run.floor.js';
import { benchLog, guardedRun, parseOrExit, printResults } from '../shared/bench.main.js';
import type { ClusterLogFollower } from '../shared/cluster-log.follower.js';
import { answersHttp } from '../shared/http.probe.js';
import { PlatoBenchCluster } from '../shared/plato-bench.cluster.js';
import { describeMachine, loadAverages, machineLine, startCpuMeter, type Machine } from '../shared/machine.describe.js';
import { columnStats, percentages, ratio, secs, table } from '../shared/table.format.js';
import { nodeLossUsage, parseNodeLossOptions, type NodeLossOptions } from './node-loss.options.js';

const targetMs = 5_000;
const log = benchLog('bench:node-loss');

/** One timed node loss; times in ms after the SIGKILL (NaN where not seen). */
interface Trial {
  trial: number;
  victim: string;
  /** Replicas that were running on the victim when its agent was killed. */
  lost: number;
  /** Every replacement started, by the log (AllocationStarted's server timestamp). */
  replacedMs: number;
  /** The same, by the bench's clock when it received the last AllocationStarted. */
  seenMs: number;
  /** Every replacement's published port answered HTTP on 127.0.0.1, by the bench's clock. */
  answeredMs: number;
  lostAtMs: number;
  lastPlacedMs: number;
  /** NodeLost's `timeoutMs`: the detection floor. */
  timeoutMs: number;
  /** Agent restarted → node recovered and its replaced containers removed. */
  recoverMs: number;
  /** One `docker run -d` of the same image, measured after the trial. */
  dockerRunMs: number;
  miss?: string;
}

interface Results {
  bench: 'node-loss';
  date: string;
  machine: Machine;
  loadAtEnd: number[];
  options: NodeLossOptions;
  nodes: { x: string; a: string; b: string };
  trials: Trial[];
  summary: {
    done: number;
    misses: number;
    median: Record<string, number>;
    max: Record<string, number>;
    floorMs: number;
    ratio: number;
    target: { wantedMs: number; met: boolean };
  };
  cpuPct: Record<string, number>;
}

const usableTrials = (trials: Trial[]) => trials.filter((t) => t.miss === undefined);

function summarize(trials: Trial[]): Results['summary'] {
  const ok = usableTrials(trials);
  const { median: med, max } = columnStats(ok, {
    replacedMs: (t) => t.replacedMs,
    seenMs: (t) => t.seenMs,
    answeredMs: (t) => t.answeredMs,
    detectionMs: (t) => t.lostAtMs,
    placementMs: (t) => t.lastPlacedMs - t.lostAtMs,
    startMs: (t) => t.replacedMs - t.lastPlacedMs,
    timeoutMs: (t) => t.timeoutMs,
    dockerRunMs: (t) => t.dockerRunMs,
    recoverMs: (t) => t.recoverMs,
  });
  const floorMs = med['timeoutMs']! + med['dockerRunMs']!;
  const misses = trials.length - ok.length;
  return {
    done: ok.length,
    misses,
    median: med,
    max,
    floorMs,
    ratio: ratio(med['replacedMs']!, floorMs),
    target: { wantedMs: targetMs, met: misses === 0 && med['replacedMs']! <= targetMs && max['replacedMs']! <= targetMs },
  };
}

function report(r: Results): string {
  const out: string[] = [];
  const s = r.summary;
  out.push(`Node-loss benchmark — ${r.date}`);
  out.push(`machine: ${machineLine(r.machine, r.loadAtEnd)}`);
  out.push(
    `agents A (${r.nodes.a}, zone=a) and B (${r.nodes.b}, zone=b) on one Docker engine, plato up's node X unlabelled; ` +
      `${r.options.replicas} replicas of ${r.options.image} busybox httpd, spread, port on 127.0.0.1; heartbeat ${r.options.heartbeatMs} ms; ` +
      `${r.trials.length} trials, ${s.misses} miss(es) (bound ${r.options.trialTimeoutSeconds} s)`,
  );
  out.push('');
  const rows = [['trial', 'victim', 'lost', 'kill → replacement started (log)', 'seen by bench', 'HTTP answers', 'kill → NodeLost', 'NodeLost → placed', 'placed → started', 'recover', 'docker run -d', 'miss']];
  for (const t of r.trials) {
    rows.push([
      String(t.trial),
      t.victim,
      String(t.lost),
      secs(t.replacedMs),
      secs(t.seenMs),
      secs(t.answeredMs),
      secs(t.lostAtMs),
      secs(t.lastPlacedMs - t.lostAtMs),
      secs(t.replacedMs - t.lastPlacedMs),
      secs(t.recoverMs),
      secs(t.dockerRunMs),
      t.miss ?? '',
    ]);
  }
  out.push(table(rows, 2));
  out.push('');
  const m = s.median;
  const x = s.max;
  const mm = (k: string) => `${secs(m[k]!)} / ${secs(x[k]!)}`;
  out.push(
    table([
      ['', 'median / max (s)'],
      ['kill → replacement started (log)', mm('replacedMs')],
      ['kill → replacement seen by bench', mm('seenMs')],
      ['kill → replacements answer HTTP', mm('answeredMs')],
      ['  kill → NodeLost (detection)', mm('detectionMs')],
      ['  NodeLost → last replacement placed', mm('placementMs')],
      ['  placed → started', mm('startMs')],
      ['floor: liveness timeout', mm('timeoutMs')],
      ['floor: docker run -d', mm('dockerRunMs')],
      ['floor = timeout + docker run -d (medians)', secs(s.floorMs)],
      ['ratio median / floor', `${s.ratio}×`],
      [`target ≤ ${secs(s.target.wantedMs)} s (median and max, no miss)`, s.target.met ? 'met' : 'NOT met'],
    ]),
  );
  out.push('');
  out.push(`CPU over the trials (% of one core): ${percentages(r.cpuPct)}`);
  return out.join('\n');
}

interface Bench {
  options: NodeLossOptions;
  nc: NatsConnection;
  docker: DockerEngine;
  follower: ClusterLogFollower;
  deployment: string;
  runLabel: string;
  startAgent(nodeId: string, zone: string): ServiceProcess;
  agents: Map<string, ServiceProcess>;
}

async function trial(b: Bench, n: number, victim: string, zone: string, floorSpec: FloorSpec): Promise<Trial> {
  const { follower, docker, options } = b;
  const bound = options.trialTimeoutSeconds * 1000;
  const onVictim = [...follower.allocs.values()].filter((a) => a.nodeId === victim && !a.over && !Number.isNaN(a.startedAt));
  const result: Trial = {
    trial: n,
    victim,
    lost: onVictim.length,
    replacedMs: Number.NaN,
    seenMs: Number.NaN,
    answeredMs: Number.NaN,
    lostAtMs: Number.NaN,
    lastPlacedMs: Number.NaN,
    timeoutMs: Number.NaN,
    recoverMs: Number.NaN,
    dockerRunMs: Number.NaN,
  };
  const killedAt = Date.now();
  await b.agents.get(victim)!.kill();
  try {
    const lost = await follower.until(() => follower.nodeEventsOf(victim, 'NodeLost', killedAt - 50)[0], bound, `NodeLost of ${victim}`);
    const replacements = await follower.until(
      () => {
        const fresh = [...follower.allocs.values()].filter((a) => a.placedAt >= killedAt - 50 && a.nodeId !== victim && !a.over);
        return fresh.length >= onVictim.length && fresh.every((a) => !Number.isNaN(a.startedAt)) ? fresh : undefined;
      },
      Math.max(1, killedAt + bound - Date.now()),
      `${onVictim.length} replacement(s) started`,
    );
    const timeoutMs = Number((lost.data as { timeoutMs?: number }).timeoutMs ?? Number.NaN);
    Object.assign(result, {
      lostAtMs: lost.created - killedAt,
      lastPlacedMs: Math.max(...replacements.map((a) => a.placedAt)) - killedAt,
      replacedMs: Math.max(...replacements.map((a) => a.startedAt)) - killedAt,
      seenMs: Math.max(...replacements.map((a) => a.startedSeenAt)) - killedAt,
      timeoutMs,
    });
    const ports = replacements.flatMap((a) => a.ports);
    await waitUntil(async () => (await Promise.all(ports.map((port) => answersHttp(port)))).every(Boolean), killedAt + bound, 'the replacements answering HTTP');
    result.answeredMs = Date.now() - killedAt;
  } catch (error) {
    result.miss = error instanceof Error ? error.message : String(error);
  }
  const restartedAt = Date.now();
  b.agents.set(victim, b.startAgent(victim, zone));
  await follower.until(() => follower.nodeEventsOf(victim, 'NodeRecovered', restartedAt - 50)[0], bound, `NodeRecovered of ${victim}`);
  const stale = onVictim.map((a) => a.allocId);
  await waitUntil(async () => (await staleLeft(docker, stale)) === 0, restartedAt + bound, `the replaced containers of ${victim} removed`);
  result.recoverMs = Date.now() - restartedAt;
  const floor = await floorRound(docker, floorSpec, b.runLabel, `plato-bench-loss-floor-${b.deployment}-${n}`, 1, bound);
  result.dockerRunMs = floor.cliMs;
  return result;
}

async function staleLeft(docker: DockerEngine, allocIds: string[]): Promise<number> {
  const counts = await Promise.all(allocIds.map(async (allocId) => (await docker.list(`plato.alloc=${allocId}`)).length));
  return counts.reduce((a, b) => a + b, 0);
}

async function waitUntil(probe: () => Promise<boolean>, deadline: number, what: string): Promise<void> {
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what}: not done in time`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function main(): Promise<number> {
  const options = parseOrExit(parseNodeLossOptions, nodeLossUsage);
  if (typeof options === 'number') return options;
  const machine = describeMachine();
  log(machineLine(machine));
  const runId = newRunId('bench-loss');
  const nodes = { x: `${runId}-x`, a: `${runId}-a`, b: `${runId}-b` };
  const deployment = `loss-${runId.slice(-8)}`.toLowerCase();
  const runLabel = `plato.bench.run=${runId}`;
  const docker = new DockerEngine();
  const cluster = new PlatoBenchCluster({ tag: 'bench-loss', nodeId: nodes.x, deployment, docker, log });
  const agents = new Map<string, ServiceProcess>();
  const started: ServiceProcess[] = [];
  return guardedRun(options.timeoutSeconds, log, () => ({
    run: async () => {
      const { up, nc, follower: f } = await cluster.start();
      const natsUrl = up.natsUrl;
      const startAgent = (nodeId: string, zone: string): ServiceProcess => {
        const agent = ServiceProcess.start(`agent ${nodeId}`, appMain('agent'), {
          PLATO_NATS_URL: natsUrl,
          PLATO_NODE_ID: nodeId,
          PLATO_NODE_LABELS: `zone=${zone}`,
          PLATO_NODE_CPU: '1000',
          PLATO_NODE_MEMORY: '512',
          PLATO_HEARTBEAT_MS: String(options.heartbeatMs),
          PLATO_RECONCILE_MS: '1000',
        });
        started.push(agent);
        log(`agent ${nodeId} (zone=${zone}) pid ${agent.pid}`);
        return agent;
      };
      const registered = (nodeId: string) => f.nodeEvents.find((e) => e.nodeId === nodeId && ['NodeRegistered', 'NodeRecovered'].includes(e.type));
      agents.set(nodes.a, startAgent(nodes.a, 'a'));
      agents.set(nodes.b, startAgent(nodes.b, 'b'));
      await f.until(() => (registered(nodes.a) && registered(nodes.b) ? true : undefined), 30_000, 'agents A and B registered');

      const command = ['busybox', 'httpd', '-f', '-p', '8080', '-h', '/www'];
      await request(nc, ApplyDeployment, {
        commandId: `bench-loss-apply-${deployment}`,
        spec: {
          name: deployment,
          image: options.image,
          command: command.slice(0, 2),
          args: command.slice(2),
          replicas: options.replicas,
          resources: { cpu: 100, memory: 48 },
          ports: [{ container: 8080 }],
          constraints: ['zone in (a, b)'],
          strategy: 'spread',
        },
      });
      await f.until(() => ([...f.allocs.values()].filter((a) => !Number.isNaN(a.startedAt)).length >= options.replicas ? true : undefined), 60_000, `${options.replicas} replicas running`);
      log(`deployment ${deployment}: ${[...f.allocs.values()].map((a) => a.nodeId).join(', ')}`);

      const floorSpec: FloorSpec = { image: options.image, command, cpu: 100, memory: 48, containerPort: 8080 };
      await floorRound(docker, floorSpec, runLabel, `plato-bench-loss-floor-${deployment}-warm`, 1, 30_000);
      const bench: Bench = { options, nc, docker, follower: f, deployment, runLabel, startAgent, agents };
      const pids: Record<string, number> = { ...up.pids };
      const cpu = startCpuMeter(pids);
      const trials: Trial[] = [];
      for (let i = 0; i < options.trials; i++) {
        const [victim, zone] = i % 2 === 0 ? [nodes.a, 'a'] : [nodes.b, 'b'];
        const t = await trial(bench, i + 1, victim, zone, floorSpec);
        trials.push(t);
        log(
          t.miss
            ? `trial ${t.trial} (${victim}): MISS ${t.miss}`
            : `trial ${t.trial} (${victim}, ${t.lost} lost): replaced ${secs(t.replacedMs)} s (seen ${secs(t.seenMs)} s, HTTP ${secs(t.answeredMs)} s; NodeLost ${secs(t.lostAtMs)}, placed ${secs(t.lastPlacedMs)}), recovered ${secs(t.recoverMs)} s, docker run -d ${secs(t.dockerRunMs)} s`,
        );
      }
      const results: Results = {
        bench: 'node-loss',
        date: new Date().toISOString(),
        machine,
        loadAtEnd: loadAverages(),
        options,
        nodes,
        trials,
        summary: summarize(trials),
        cpuPct: cpu(),
      };
      printResults(report(results), results);
      return 0;
    },
    cleanup: async () => {
      await cluster.stop([...Object.values(nodes).map((n) => `plato.node=${n}`), runLabel], async () => {
        for (const agent of started) await agent.stop().catch(() => undefined);
        log(`stopped the ${started.length} agent process(es) it started`);
      });
    },
    onFailure: async () => {
      const said = cluster.tail();
      if (said !== undefined) log(`plato up said:\n${said}`);
      for (const agent of started) log(`${agent.name} said:\n${agent.output().slice(-1500)}`);
    },
  }));
}

process.exit(await main());

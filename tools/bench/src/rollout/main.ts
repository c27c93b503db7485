/**
 * Rollout benchmark (`npm run bench:rollout`; a measurement, not a test).
 *
 * Starts `plato up` (nats-server, state-server, scheduler, gateway and its agent on this machine's
 * Docker engine, a run-unique node id, a temporary state dir) and applies one deployment of
 * `--replicas` busybox httpd replicas with a port on 127.0.0.1, an http health check (every 250 ms,
 * no grace, 2 failures) and `update: { max_parallel, min_healthy_time, healthy_deadline: 60s,
 * progress_deadline: 2m }`, then waits for its first RolloutCompleted. Each trial applies a new
 * version (another value of one env var) and times, from the bench sending the apply, until the
 * RolloutCompleted of that version: by the event's server timestamp and by the bench's clock when
 * its subscription received it; and until every new replica's published port answers HTTP (bench
 * clock). From the log it replays the fewest replicas serving during the rollout (an allocation
 * serves from AllocationHealthy until it is unhealthy, exits, is asked to stop, stops, fails, is
 * lost or unknown); fewer than `replicas - max_parallel`, a failed rollout, or one not done within
 * `--trial-timeout` is a miss. Per replaced replica it reads from the log when the old one stopped
 * and the new one was placed, started and first passed its check, and how long after a new
 * replica passed the next old one was asked to stop.
 * The floor, measured in the same run right after each Plato trial: the same rollout by hand with
 * the docker CLI on as many floor containers of the same image, command and limits
 * (`docker run -d --init`): per batch of `max_parallel`, `docker stop` + `docker rm` of the old
 * ones, `docker run -d` of new ones, HTTP answering on each new port, then `min_healthy_time`.
 * Prints the machine line, the tables with the anchors and, last, one JSON line. Every process is
 * stopped by PID, the deployment is deleted, and exactly the containers of this run's node id and
 * run label are removed.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { ApplyDeployment, formatDurationMs, updateDefaults, type DeploymentSpecInput } from '@plato/contracts';
import { request } from '@plato/messaging';
import { delay, newRunId } from '@plato/testing';
import { DockerEngine } from '../apply/docker.engine.js';
import type { FloorSpec } from '../apply/docker-run.floor.js';
import { benchLog, guardedRun, parseOrExit, printResults } from '../shared/bench.main.js';
import type { ClusterLogFollower, DeploymentEvent, FollowedAlloc } from '../shared/cluster-log.follower.js';
import { answersHttp } from '../shared/http.probe.js';
import { PlatoBenchCluster } from '../shared/plato-bench.cluster.js';
import { describeMachine, loadAverages, machineLine, startCpuMeter, type Machine } from '../shared/machine.describe.js';
import { columnStats, percentages, ratio, secs, table } from '../shared/table.format.js';
import { DockerRolloutFloor, type FloorRollout } from './docker-rollout.floor.js';
import { healthyDeadlineMs, parseRolloutOptions, progressDeadlineMs, rolloutUsage, type RolloutOptions } from './rollout.options.js';

const log = benchLog('bench:rollout');

/** The agent's stop timeout (SIGTERM, then SIGKILL after it), used for the floor's `docker stop -t`. */
const stopTimeoutSeconds = 5;

/** What every replica and floor container runs: busybox httpd serving the test image's /www on 8080. */
const httpd = ['busybox', 'httpd', '-f', '-p', '8080', '-h', '/www'];

/** One replaced replica slot of a Plato rollout, from the log; ms after the old replica's stop request. */
interface PlatoReplacement {
  slot: number;
  /** The old replica stopped (AllocationStopped). */
  stoppedMs: number;
  /** The new replica placed. */
  placedMs: number;
  /** The new replica started. */
  startedMs: number;
  /** The new replica's first AllocationHealthy. */
  healthyMs: number;
}

/** One timed rollout of Plato; ms after the bench sent the apply (NaN where not seen). */
interface PlatoTrial {
  version: number;
  /** RolloutStarted, by its server timestamp. */
  startedMs: number;
  /** RolloutCompleted, by its server timestamp. */
  completedMs: number;
  /** The same, by the bench's clock when it received RolloutCompleted. */
  seenMs: number;
  /** Every new replica's published port answered HTTP, by the bench's clock. */
  answeredMs: number;
  /** Replicas serving right before the rollout, replayed from the log. */
  servingAtStart: number;
  /** The fewest replicas serving during the rollout, replayed from the log. */
  fewestServing: number;
  /** New replicas found unhealthy at least once before the rollout completed (the agent restarts them). */
  unhealthyNew: number;
  /** Their distinct last reasons. */
  unhealthyReasons: string[];
  /** Each replaced slot's pipeline. */
  replacements: PlatoReplacement[];
  /**
   * The rollout keeps `max_parallel` replicas in flight: for each stop request after the first
   * `max_parallel`, the ms since the new replica whose health let it go first passed its check
   * (min_healthy_time plus the scheduler's reaction).
   */
  refillMs: number[];
  miss?: string;
}

/** One trial: Plato's rollout, then the floor's. */
interface Trial {
  trial: number;
  plato: PlatoTrial;
  floor: FloorRollout;
}

interface Results {
  bench: 'rollout';
  date: string;
  machine: Machine;
  loadAtEnd: number[];
  options: RolloutOptions;
  nodeId: string;
  deployment: string;
  defaultMinHealthyMs: number;
  trials: Trial[];
  summary: {
    done: number;
    misses: number;
    median: Record<string, number>;
    max: Record<string, number>;
    /** The fewest serving over every trial (must be ≥ replicas − max_parallel). */
    fewestServing: number;
    /** median Plato apply → completed (log) / median floor done. */
    ratio: number;
    /** median Plato apply → all answer HTTP / median floor last batch answers. */
    answeredRatio: number;
    /** Over every replacement of the Plato trials (`plato.`) and every batch of the floor's (`floor.`). */
    steps: { median: Record<string, number>; max: Record<string, number> };
  };
  cpuPct: Record<string, number>;
}

function summarize(trials: Trial[]): Results['summary'] {
  const ok = trials.filter((t) => t.plato.miss === undefined);
  const plato = columnStats(ok, {
    completedMs: (t) => t.plato.completedMs,
    seenMs: (t) => t.plato.seenMs,
    answeredMs: (t) => t.plato.answeredMs,
    startedMs: (t) => t.plato.startedMs,
  });
  const floor = columnStats(trials, { floorAnsweredMs: (t) => t.floor.answeredMs, floorDoneMs: (t) => t.floor.doneMs });
  const replacements = columnStats(ok.flatMap((t) => t.plato.replacements), {
    stoppedMs: (r) => r.stoppedMs,
    placedMs: (r) => r.placedMs,
    startedMs: (r) => r.startedMs,
    healthyMs: (r) => r.healthyMs,
  });
  const refill = columnStats(ok.flatMap((t) => t.plato.refillMs), { refillMs: (ms) => ms });
  const batches = columnStats(trials.flatMap((t) => t.floor.batches), {
    removedMs: (b) => b.removedMs,
    ranMs: (b) => b.ranMs,
    answeredMs: (b) => b.answeredMs,
    nextMs: (b) => b.nextMs,
  });
  const prefixed = (prefix: string, r: Record<string, number>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [`${prefix}${k}`, v]));
  const steps = (k: 'median' | 'max') => ({ ...prefixed('plato.', { ...replacements[k], ...refill[k] }), ...prefixed('floor.', batches[k]) });
  return {
    done: ok.length,
    misses: trials.length - ok.length,
    median: { ...plato.median, ...floor.median },
    max: { ...plato.max, ...floor.max },
    fewestServing: Math.min(...trials.map((t) => t.plato.fewestServing)),
    ratio: ratio(plato.median['completedMs']!, floor.median['floorDoneMs']!),
    answeredRatio: ratio(plato.median['answeredMs']!, floor.median['floorAnsweredMs']!),
    steps: { median: steps('median'), max: steps('max') },
  };
}

function report(r: Results): string {
  const o = r.options;
  const s = r.summary;
  const minHealthy = formatDurationMs(o.minHealthyMs);
  const batches = Math.ceil(o.replicas / o.maxParallel);
  const out: string[] = [];
  out.push(`Rollout benchmark — ${r.date}`);
  out.push(`machine: ${machineLine(r.machine, r.loadAtEnd)}`);
  out.push(
    `plato up, node ${r.nodeId}; deployment ${r.deployment}: ${o.replicas} × ${o.image} busybox httpd (50 m / 16 MiB, port 8080 on 127.0.0.1), ` +
      `http check every 250 ms, grace 0 s, 2 failures; update { max_parallel: ${o.maxParallel}, min_healthy_time: ${minHealthy}, ` +
      `healthy_deadline: ${formatDurationMs(healthyDeadlineMs)}, progress_deadline: ${formatDurationMs(progressDeadlineMs)} } (stop-first); a trial applies a new env value. ` +
      `${r.trials.length} trials, ${s.misses} miss(es) (bound ${o.trialTimeoutSeconds} s, fewer than ${o.replicas - o.maxParallel} serving is a miss)`,
  );
  out.push(
    `floor, after each Plato trial: the same rollout by hand on ${o.replicas} containers (docker run -d --init --cpus 0.05 --memory 16m -p 127.0.0.1::8080), ` +
      `${batches} batches of ${o.maxParallel}: docker stop -t ${stopTimeoutSeconds} + docker rm (in parallel), docker run -d (in parallel), poll HTTP, wait ${minHealthy}. ` +
      `Plato keeps ${o.maxParallel} replicas in flight and lets the next old one go as each new one is proven; the floor waits for whole batches`,
  );
  out.push(
    `anchors: Nomad's rollout of this shape waits min_healthy_time after each of its ${batches} batches, so it is bounded below by ${batches} × its default of 10 s = ${batches * 10} s. ` +
      `Plato's default min_healthy_time is ${formatDurationMs(r.defaultMinHealthyMs)} too; these runs use --min-healthy ${minHealthy}` +
      (o.minHealthyMs > 0 ? `, i.e. a bound of ${secs(batches * o.minHealthyMs)} s from waiting alone.` : ', i.e. a new replica counts as soon as it passes its check.'),
  );
  out.push('');
  const rows = [['trial', 'version', 'apply → completed (log)', 'seen', 'all answer HTTP', 'fewest serving', 'new ones unhealthy once', 'floor: all answer', 'floor: done', 'miss']];
  for (const t of r.trials) {
    rows.push([
      String(t.trial),
      String(t.plato.version),
      secs(t.plato.completedMs),
      secs(t.plato.seenMs),
      secs(t.plato.answeredMs),
      `${t.plato.fewestServing} of ${t.plato.servingAtStart}`,
      String(t.plato.unhealthyNew),
      secs(t.floor.answeredMs),
      secs(t.floor.doneMs),
      t.plato.miss ?? '',
    ]);
  }
  out.push(table(rows, 2));
  out.push('');
  const mm = (m: Record<string, number>, x: Record<string, number>, k: string) => `${secs(m[k]!)} / ${secs(x[k]!)}`;
  const t = (k: string) => mm(s.median, s.max, k);
  const b = (k: string) => mm(s.steps.median, s.steps.max, k);
  out.push(
    table([
      ['', 'median / max (s)'],
      ['Plato: apply → RolloutCompleted (log)', t('completedMs')],
      ['Plato: apply → RolloutCompleted seen by bench', t('seenMs')],
      ['Plato: apply → every new replica answers HTTP', t('answeredMs')],
      ['  apply → RolloutStarted (log)', t('startedMs')],
      [`Plato: fewest serving, all trials (≥ ${o.replicas - o.maxParallel} wanted)`, String(s.fewestServing)],
      ['floor: last batch answers HTTP', t('floorAnsweredMs')],
      [`floor: done (last batch answers + ${minHealthy})`, t('floorDoneMs')],
      ['ratio median Plato completed / median floor done', `${s.ratio}×`],
      ['ratio median Plato all answer / median floor all answer', `${s.answeredRatio}×`],
    ]),
  );
  out.push('');
  out.push(
    table([
      ['Plato, per replaced replica, from the old one\'s stop request (log)', 'median / max (s)'],
      ['old replica stopped', b('plato.stoppedMs')],
      ['new replica placed', b('plato.placedMs')],
      ['new replica started', b('plato.startedMs')],
      ['new replica healthy (first check passed)', b('plato.healthyMs')],
      [`a new replica healthy → the stop request it lets go (${minHealthy} + scheduler)`, b('plato.refillMs')],
    ]),
  );
  out.push('');
  out.push(
    table([
      [`floor, per batch of ${o.maxParallel}, from its start`, 'median / max (s)'],
      [`docker stop -t ${stopTimeoutSeconds} + docker rm returned`, b('floor.removedMs')],
      ['docker run -d returned', b('floor.ranMs')],
      ['every new container answers HTTP', b('floor.answeredMs')],
      [`next batch (after ${minHealthy})`, b('floor.nextMs')],
    ]),
  );
  out.push('');
  out.push(`CPU over the trials (% of one core): ${percentages(r.cpuPct)}`);
  return out.join('\n');
}

/** The bench's deployment at `generation` (the value of its one env var). */
function deploymentSpec(name: string, o: RolloutOptions, generation: number): DeploymentSpecInput {
  return {
    name,
    image: o.image,
    command: httpd.slice(0, 2),
    args: httpd.slice(2),
    env: { BENCH_GENERATION: String(generation) },
    replicas: o.replicas,
    resources: { cpu: 50, memory: 16 },
    ports: [{ name: 'http', container: 8080 }],
    health: { type: 'http', port: 'http', path: '/', interval: '250ms', grace: '0s', failures: 2 },
    update: { max_parallel: o.maxParallel, min_healthy_time: o.minHealthyMs, healthy_deadline: healthyDeadlineMs, progress_deadline: progressDeadlineMs },
  };
}

/**
 * Applies `generation` and resolves with the version and its RolloutStarted as the log holds them,
 * and the bench's clock when it sent the apply.
 */
async function applyGeneration(nc: NatsConnection, follower: ClusterLogFollower, name: string, o: RolloutOptions, generation: number, timeoutMs: number) {
  const sentAt = Date.now();
  const accepted = await request(nc, ApplyDeployment, { commandId: `bench-rollout-apply-${name}-${generation}`, spec: deploymentSpec(name, o, generation) });
  const position = accepted.events.find((e) => e.type === 'RolloutStarted')?.position;
  if (position === undefined) throw new Error(`the apply of generation ${generation} started no rollout: ${accepted.events.map((e) => e.type).join(', ')}`);
  const started = await follower.until(() => follower.deploymentEvents.find((e) => e.type === 'RolloutStarted' && e.position === position), timeoutMs, `RolloutStarted at ${position}`);
  return { sentAt, started, version: Number(started.data['version']) };
}

/** The RolloutCompleted or RolloutFailed of `version`. */
function rolloutEnd(follower: ClusterLogFollower, version: number, timeoutMs: number): Promise<DeploymentEvent> {
  return follower.until(
    () => follower.deploymentEvents.find((e) => (e.type === 'RolloutCompleted' || e.type === 'RolloutFailed') && e.data['version'] === version),
    timeoutMs,
    `the end of the rollout of version ${version}`,
  );
}

/**
 * Polls the published ports of `version`'s live replicas (every 50 ms, from their
 * AllocationStarted) and resolves with the bench's clock when the last of `replicas` of them first
 * answered HTTP. Bounded by `deadline` and `signal`.
 */
async function everyNewAnswers(follower: ClusterLogFollower, version: number, replicas: number, deadline: number, signal: AbortSignal): Promise<number> {
  const firstAnswer = new Map<string, number>();
  while (Date.now() < deadline && !signal.aborted) {
    const live = [...follower.allocs.values()].filter((a) => a.version === version && !a.over);
    const waiting = live.filter((a) => !firstAnswer.has(a.allocId) && a.ports.length > 0);
    await Promise.all(
      waiting.map(async (a) => {
        if ((await Promise.all(a.ports.map((port) => answersHttp(port, 500)))).every(Boolean)) firstAnswer.set(a.allocId, Date.now());
      }),
    );
    if (live.length >= replicas && live.every((a) => firstAnswer.has(a.allocId))) return Math.max(...live.map((a) => firstAnswer.get(a.allocId)!));
    await delay(50);
  }
  throw new Error(`the ${replicas} replicas of version ${version} answering HTTP: not done in time`);
}

/**
 * The rollout's replacements as the log shows them: per slot, the old replica asked to stop during
 * the rollout and the new one of `version`; and the refill gaps (see {@link PlatoTrial.refillMs}).
 */
function replacementsOf(allocs: readonly FollowedAlloc[], version: number, startedAt: number, maxParallel: number): Pick<PlatoTrial, 'replacements' | 'refillMs'> {
  const fresh = new Map(allocs.filter((a) => a.version === version).map((a) => [a.index, a]));
  const old = allocs.filter((a) => a.version < version && a.stopRequestedAt >= startedAt).sort((a, b) => a.stopRequestedAt - b.stopRequestedAt);
  const replacements = old.flatMap((o) => {
    const n = fresh.get(o.index);
    if (!n) return [];
    const at = o.stopRequestedAt;
    return [{ slot: o.index, stoppedMs: o.stoppedAt - at, placedMs: n.placedAt - at, startedMs: n.startedAt - at, healthyMs: n.healthyAt - at }];
  });
  const healthy = [...fresh.values()].map((a) => a.healthyAt).sort((a, b) => a - b);
  const refillMs = old.slice(maxParallel).map((o, k) => o.stopRequestedAt - healthy[k]!);
  return { replacements, refillMs };
}

async function platoTrial(nc: NatsConnection, follower: ClusterLogFollower, name: string, o: RolloutOptions, generation: number): Promise<PlatoTrial> {
  const bound = o.trialTimeoutSeconds * 1000;
  const result: PlatoTrial = {
    version: Number.NaN,
    startedMs: Number.NaN,
    completedMs: Number.NaN,
    seenMs: Number.NaN,
    answeredMs: Number.NaN,
    servingAtStart: Number.NaN,
    fewestServing: Number.NaN,
    unhealthyNew: Number.NaN,
    unhealthyReasons: [],
    replacements: [],
    refillMs: [],
  };
  const answering = new AbortController();
  try {
    const { sentAt, started, version } = await applyGeneration(nc, follower, name, o, generation, bound);
    result.version = version;
    result.startedMs = started.created - sentAt;
    const answered = everyNewAnswers(follower, version, o.replicas, sentAt + bound, answering.signal);
    answered.catch(() => undefined);
    const end = await rolloutEnd(follower, version, Math.max(1, sentAt + bound - Date.now()));
    const serving = follower.fewestServing(started.position - 1, end.position);
    const unhealthy = [...follower.allocs.values()].filter((a) => a.version === version && a.unhealthy > 0);
    Object.assign(result, {
      completedMs: end.created - sentAt,
      seenMs: end.seenAt - sentAt,
      servingAtStart: serving.atStart,
      fewestServing: serving.least,
      unhealthyNew: unhealthy.length,
      unhealthyReasons: [...new Set(unhealthy.map((a) => a.unhealthyReason))],
      ...replacementsOf([...follower.allocs.values()], version, started.created, o.maxParallel),
    });
    if (end.type === 'RolloutFailed') throw new Error(`RolloutFailed: ${String(end.data['reason'])}`);
    result.answeredMs = (await answered) - sentAt;
    if (serving.least < o.replicas - o.maxParallel) throw new Error(`only ${serving.least} replicas served at one point (fewer than ${o.replicas - o.maxParallel})`);
  } catch (error) {
    result.miss = error instanceof Error ? error.message : String(error);
  } finally {
    answering.abort();
  }
  return result;
}

async function main(): Promise<number> {
  const options = parseOrExit(parseRolloutOptions, rolloutUsage);
  if (typeof options === 'number') return options;
  const machine = describeMachine();
  log(machineLine(machine));
  const runId = newRunId('bench-rollout');
  const nodeId = `${runId}-x`;
  const deployment = `roll-${runId.slice(-8)}`.toLowerCase();
  const runLabel = `plato.bench.run=${runId}`;
  const docker = new DockerEngine();
  const cluster = new PlatoBenchCluster({ tag: 'bench-rollout', nodeId, deployment, docker, log });
  const bound = options.trialTimeoutSeconds * 1000;
  return guardedRun(options.timeoutSeconds, log, () => ({
    run: async () => {
      const { up, nc, follower: f } = await cluster.start();
      const first = await applyGeneration(nc, f, deployment, options, 0, bound);
      const firstEnd = await rolloutEnd(f, first.version, Math.max(1, first.sentAt + bound - Date.now()));
      if (firstEnd.type !== 'RolloutCompleted') throw new Error(`the first rollout failed: ${String(firstEnd.data['reason'])}`);
      log(`deployment ${deployment}: version ${first.version} completed in ${secs(firstEnd.created - first.sentAt)} s`);

      const floorSpec: FloorSpec = { image: options.image, command: httpd, cpu: 50, memory: 16, containerPort: 8080, init: true };
      const floor = new DockerRolloutFloor(docker, floorSpec, runLabel, `plato-bench-rollout-floor-${deployment}`, {
        replicas: options.replicas,
        maxParallel: options.maxParallel,
        minHealthyMs: options.minHealthyMs,
        stopTimeoutSeconds,
      });
      await floor.start(bound);
      log(`${options.replicas} floor containers answer HTTP`);

      const cpu = startCpuMeter({ ...up.pids });
      const trials: Trial[] = [];
      for (let i = 1; i <= options.trials; i++) {
        const plato = await platoTrial(nc, f, deployment, options, i);
        const floorRollout = await floor.rollout(i, bound);
        trials.push({ trial: i, plato, floor: floorRollout });
        log(
          (plato.miss ? `trial ${i}: MISS ${plato.miss}` : `trial ${i} (version ${plato.version}): completed ${secs(plato.completedMs)} s (seen ${secs(plato.seenMs)} s, HTTP ${secs(plato.answeredMs)} s), fewest serving ${plato.fewestServing}, ${plato.unhealthyNew} new unhealthy once ${JSON.stringify(plato.unhealthyReasons)}`) +
            `; floor ${secs(floorRollout.doneMs)} s (HTTP ${secs(floorRollout.answeredMs)} s)`,
        );
      }
      const results: Results = {
        bench: 'rollout',
        date: new Date().toISOString(),
        machine,
        loadAtEnd: loadAverages(),
        options,
        nodeId,
        deployment,
        defaultMinHealthyMs: updateDefaults.minHealthyTimeMs,
        trials,
        summary: summarize(trials),
        cpuPct: cpu(),
      };
      printResults(report(results), results);
      return 0;
    },
    cleanup: () => cluster.stop([`plato.node=${nodeId}`, runLabel]),
    onFailure: async () => {
      const said = cluster.tail();
      if (said !== undefined) log(`plato up said:\n${said}`);
    },
  }));
}

process.exit(await main());

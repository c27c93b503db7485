/**
 * Scheduling-function benchmark (`npm run bench:scheduling`; a measurement, not a test).
 *
 * Plans 10 000 replicas on 1 000 nodes (varied capacity, labels, two runtimes, some cordoned, down
 * or lost) in several shapes — 1×10 000 (binpack, then spread), 100×100, 1 000×10 and 10 000×1,
 * deployments × replicas — with `plan()` of `@plato/scheduling`, in-process, no I/O. Per shape:
 * warm-up runs, then N timed runs (wall and CPU time; best and median); every plan is verified
 * (all replicas placed, node checks hold, no node over capacity) and compared for equality with
 * the plan of a naive reference planner (per replica: scan every node, every check, same ranking),
 * which is timed on the same inputs, as is the floor of merely iterating the inputs.
 *
 * Prints the machine, a table, the target (≥ 50 000 placements/s per shape) and, last, one JSON
 * line of all results, with a sha256 digest of each plan for comparisons across commits.
 */
import { plan, type ClusterSnapshot, type Plan, type PlanOptions } from '@plato/scheduling';
import { performance } from 'node:perf_hooks';
import { buildNodes, standardWorkloads, summarizeCluster, type ClusterSummary, type Workload } from './cluster.workloads.js';
import { iterateInputs, naivePlan } from './naive.planner.js';
import { digestOf, verifyPlan, type Verification } from './plan.verifier.js';
import { intFlag, parseFlags, setFlag, type Flags } from '../shared/bench.args.js';
import { benchLog, describeError, parseOrExit, printResults } from '../shared/bench.main.js';
import { describeHost, hostLine, loadAverage1m, type Host } from '../shared/machine.describe.js';
import { fmt, median, ratio, table } from '../shared/table.format.js';

const target = 50_000;

interface BenchOptions {
  runs: number;
  warmup: number;
  naiveRuns: number;
  nodes: number;
}

const defaults: BenchOptions = { runs: 9, warmup: 3, naiveRuns: 3, nodes: 1_000 };

const usage = `usage: npm run bench:scheduling -- [options]
  --runs N         timed runs of plan() and of the floor per shape (default ${defaults.runs})
  --warmup N       untimed runs of plan() per shape before timing (default ${defaults.warmup})
  --naive-runs N   timed runs of the naive reference planner per shape, after one warm-up (default ${defaults.naiveRuns})
  --quick          a smoke run: runs 3, warmup 1, naive-runs 1`;

const flags: Flags<BenchOptions> = {
  '--runs': intFlag('runs'),
  '--warmup': intFlag('warmup'),
  '--naive-runs': intFlag('naiveRuns'),
  '--quick': setFlag({ runs: 3, warmup: 1, naiveRuns: 1 }),
};

/** The timed runs of one planner on one shape. */
interface Measure {
  planner: string;
  placements: number;
  wallMs: number[];
  cpuMs: number[];
  bestMs: number;
  medianMs: number;
  /** Placements per second of wall time, of the best and of the median run. */
  bestRate: number;
  medianRate: number;
  /** CPU time (user + system, this process) per placement, median run, in µs: steadier under load than wall time. */
  cpuMicrosPerPlacement: number;
  /** Placements per CPU second (median): the rate on an otherwise idle core. */
  cpuRate: number;
}

function measure(planner: string, placements: number, runs: number, run: () => Plan): Measure {
  const wallMs: number[] = [];
  const cpuMs: number[] = [];
  for (let r = 0; r < runs; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    run();
    wallMs.push(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    cpuMs.push((cpu.user + cpu.system) / 1000);
  }
  const bestMs = Math.min(...wallMs);
  const medianMs = median(wallMs);
  const medianCpuMs = median(cpuMs);
  return {
    planner,
    placements,
    wallMs,
    cpuMs,
    bestMs,
    medianMs,
    bestRate: placements / (bestMs / 1000),
    medianRate: placements / (medianMs / 1000),
    cpuMicrosPerPlacement: (medianCpuMs * 1000) / placements,
    cpuRate: placements / (medianCpuMs / 1000),
  };
}

interface ShapeResult {
  shape: string;
  deployments: number;
  replicasEach: number;
  verification: Verification;
  /** plan() and the naive planner returned equal plans (same JSON). */
  equalToNaive: boolean;
  naiveDigest: string;
  plan: Measure;
  naive: Measure;
  floor: Measure;
  /** Naive / plan(), median wall time and median CPU time: how much faster plan() is. */
  speedupWall: number;
  speedupCpu: number;
  /** plan() / floor, median CPU time: how far plan() is from merely reading its inputs. */
  overFloorCpu: number;
  targetMet: boolean;
}

interface Results {
  bench: 'scheduling';
  date: string;
  machine: Host;
  loadAverage1mAtStart: number;
  loadAverage1mAtEnd: number;
  options: BenchOptions;
  cluster: ClusterSummary;
  target: number;
  shapes: ShapeResult[];
}

const log = benchLog('bench');
const ratio1 = (a: number, b: number): number => ratio(a, b, 1);

function runShape(workload: Workload, options: BenchOptions): ShapeResult {
  const snapshot: ClusterSnapshot = workload.snapshot;
  const planOptions: PlanOptions = { now: 1_700_000_000_000, newId: (key, index) => `${key}#${index}@${snapshot.position}` };
  const expected = workload.deployments * workload.replicasEach;
  const planned = plan(snapshot, planOptions);
  const verification = verifyPlan(snapshot, planned, expected);
  const reference = naivePlan(snapshot, planOptions);
  const naiveDigest = digestOf(reference);
  const equalToNaive = naiveDigest === verification.digest;
  if (!equalToNaive) throw new Error(`${workload.name}: plan() and the naive planner disagree`);
  if (digestOf(plan(snapshot, planOptions)) !== verification.digest) throw new Error(`${workload.name}: plan() is not deterministic`);

  for (let r = 0; r < options.warmup; r++) plan(snapshot, planOptions);
  const planM = measure('plan()', expected, options.runs, () => plan(snapshot, planOptions));
  log(`${workload.name}: plan() median ${planM.medianMs.toFixed(1)} ms, ${fmt(planM.medianRate)} placements/s`);
  const naiveM = measure('naive reference', expected, options.naiveRuns, () => naivePlan(snapshot, planOptions));
  log(`${workload.name}: naive median ${naiveM.medianMs.toFixed(1)} ms`);
  for (let r = 0; r < options.warmup; r++) iterateInputs(snapshot, planOptions);
  const floorM = measure('floor: iterate inputs', expected, options.runs, () => iterateInputs(snapshot, planOptions));
  return {
    shape: workload.name,
    deployments: workload.deployments,
    replicasEach: workload.replicasEach,
    verification,
    equalToNaive,
    naiveDigest,
    plan: planM,
    naive: naiveM,
    floor: floorM,
    speedupWall: ratio1(naiveM.medianMs, planM.medianMs),
    speedupCpu: ratio1(naiveM.cpuMicrosPerPlacement, planM.cpuMicrosPerPlacement),
    overFloorCpu: ratio1(planM.cpuMicrosPerPlacement, floorM.cpuMicrosPerPlacement),
    targetMet: planM.medianRate >= target,
  };
}

function report(results: Results): string {
  const m = results.machine;
  const c = results.cluster;
  const o = results.options;
  const out: string[] = [];
  out.push(`Scheduling function benchmark — ${results.date}`);
  out.push(`machine: ${hostLine(m)}`);
  out.push(`load average (1 min): ${results.loadAverage1mAtStart} at start, ${results.loadAverage1mAtEnd} at end (${m.cpus} cores, shared)`);
  out.push(
    `cluster: ${c.nodes} nodes (${c.ready} ready, ${c.down} down, ${c.lost} lost, ${c.cordoned} cordoned; ${c.both} docker+lxd, ${c.dockerOnly} docker, ${c.lxdOnly} lxd), ` +
      `${fmt(c.cpuMillicores / 1000)} cores, ${fmt(c.memoryMiB / 1024)} GiB; no allocations yet`,
  );
  out.push(`runs: ${o.warmup} warm-up + ${o.runs} timed of plan() and the floor, 1 warm-up + ${o.naiveRuns} timed of the naive planner, per shape`);
  out.push('');
  const rows = [['shape', 'planner', 'best ms', 'median ms', 'placements/s best', 'placements/s median', 'CPU µs/placement', 'placements/CPU-s']];
  for (const s of results.shapes) {
    for (const x of [s.plan, s.naive, s.floor]) {
      rows.push([s.shape, x.planner, x.bestMs.toFixed(1), x.medianMs.toFixed(1), fmt(x.bestRate), fmt(x.medianRate), x.cpuMicrosPerPlacement.toFixed(2), fmt(x.cpuRate)]);
    }
  }
  out.push(table(rows, 2));
  out.push('(ms: wall time of one plan of 10 000 placements; CPU: user + system of this process, median run)');
  out.push('');
  out.push(
    table([
      ['shape', 'naive / plan() wall', 'naive / plan() CPU', 'plan() / floor CPU', 'equal to naive', 'fullest node cpu / mem', `≥ ${fmt(target)}/s (median)`],
      ...results.shapes.map((s) => [
        s.shape,
        `${s.speedupWall}×`,
        `${s.speedupCpu}×`,
        `${s.overFloorCpu}×`,
        s.equalToNaive ? 'yes' : 'NO',
        `${Math.round(s.verification.fullestCpu * 100)} % / ${Math.round(s.verification.fullestMemory * 100)} %`,
        s.targetMet ? `yes (${fmt(s.plan.medianRate)})` : `NO (${fmt(s.plan.medianRate)})`,
      ]),
    ]),
  );
  out.push('');
  out.push('plan digests (sha256 of the plan JSON):');
  for (const s of results.shapes) out.push(`  ${s.shape.padEnd(16)} ${s.verification.digest}`);
  return out.join('\n');
}

function main(): number {
  const options = parseOrExit((argv) => parseFlags(argv, defaults, flags, usage), usage);
  if (typeof options === 'number') return options;
  const machine = describeHost();
  const loadAverage1mAtStart = loadAverage1m();
  log(`${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, load ${loadAverage1mAtStart}`);
  const nodes = buildNodes(options.nodes);
  const shapes: ShapeResult[] = [];
  try {
    for (const workload of standardWorkloads(nodes)) shapes.push(runShape(workload, options));
  } catch (error) {
    log(`failed: ${describeError(error)}`);
    return 1;
  }
  const results: Results = {
    bench: 'scheduling',
    date: new Date().toISOString(),
    machine,
    loadAverage1mAtStart,
    loadAverage1mAtEnd: loadAverage1m(),
    options,
    cluster: summarizeCluster(nodes),
    target,
    shapes,
  };
  printResults(report(results), results);
  return 0;
}

process.exit(main());

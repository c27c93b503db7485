/**
 * Event-store benchmark (`npm run bench:event-store`; a measurement, not a test).
 *
 * Starts a private nats-server (JetStream, temporary store, loopback only) and measures, in one run:
 * 1. sequential appends through the EventStore port (JetStreamEventStore), each awaiting the previous
 *    and expecting the revision it returned;
 * 2. concurrent appends through the port over 10 000 streams with expected revisions ('no_stream',
 *    then the returned revision), at several bounds of appends in flight;
 * 3. a readAll replay of 1 000 000 events through the port (seeded with raw pipelined publishes of the
 *    body and header the adapter writes);
 * 4. on the same server, the raw JetStream baselines without the port: `js.publish` with the same
 *    headers and expected sequences at the same concurrency, and an ordered-consumer replay of the same
 *    messages with and without JSON.parse; and prints the port's overhead as raw rate / port rate.
 * With diagnostics (default) it also measures where the client's time goes: per-event cost of zod
 * validation, JSON and async-generator hops, readAll at several consumer batch sizes, and CPU profiles.
 *
 * Prints the machine, a table, the targets (concurrent append ≥ 20k events/s, replay ≥ 150k events/s,
 * port overhead ≤ 1.25×) and, last, one JSON line of all results. Sizes scale down with flags
 * (`--help`); a global timeout aborts the run; the server is stopped by PID and its store removed.
 */
import { connectNats } from '@plato/messaging';
import { NatsServerProcess } from '@plato/testing';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { componentCosts, type ComponentCost } from './components.js';
import { describeMachine, machineLine, timed, type Machine, type Timing } from './meter.js';
import { parseOptions, usage, type BenchOptions } from './options.js';
import { profiled, type ProfileSummary } from './profile.js';
import { topFramesLine } from '../shared/cpu-profile.summary.js';
import { benchLog, guardedRun, parseOrExit, printResults } from '../shared/bench.main.js';
import { loadAverage1m } from '../shared/machine.describe.js';
import { fmt, percentages, ratio, table } from '../shared/table.format.js';
import {
  checkBodyFormat,
  expectCount,
  openLog,
  portConcurrent,
  portReplay,
  portSequential,
  rawConcurrent,
  rawReplay,
  rawSequential,
  seed,
} from './workloads.js';

const targets = { concurrentAppend: 20_000, replay: 150_000, overhead: 1.25 };

/** One measured phase. */
interface Measure extends Timing {
  name: string;
  events: number;
  /** Events (= appends or messages, one event each) per second. */
  rate: number;
  /** CPU time of the bench process (the client) per event, in µs: less sensitive to other load than rates. */
  clientMicrosPerEvent: number;
  /** CPU time of nats-server per event, in µs. */
  serverMicrosPerEvent: number;
  /** When the phase ran several times: every run's rate (this measure is the best run). */
  runs?: number[];
}

interface Results {
  bench: 'event-store';
  date: string;
  machine: Machine;
  options: BenchOptions;
  sequential: { port: Measure; raw: Measure };
  concurrent: { concurrency: number; port: Measure; raw: Measure }[];
  chosenConcurrency: number;
  /** 1-minute load average when the measurements ended. */
  loadAverageAtEnd: number;
  seed: Measure;
  replay: { port: Measure; rawNoParse: Measure; rawParse: Measure };
  ratios: {
    append: number;
    appendBestVsBest: number;
    replayVsRawParse: number;
    replayVsRawNoParse: number;
    /** Client CPU per event, port / raw: the port's own cost, robust to other load on the machine. */
    appendClientCpu: number;
    replayClientCpuVsRawParse: number;
    replayClientCpuVsRawNoParse: number;
  };
  targets: { name: string; target: string; value: string; met: boolean }[];
  diagnostics?: {
    components: ComponentCost[];
    replayBatchSizes: Measure[];
    appendNoTraces: Measure[];
    profiles: Record<string, ProfileSummary>;
  };
}

const log = benchLog('bench');

async function measure(name: string, events: number, serverPid: number | undefined, work: () => Promise<unknown>): Promise<Measure> {
  const { timing } = await timed(serverPid, work);
  const perEvent = (pct: number) => ((pct / 100) * timing.seconds * 1e6) / events;
  const result: Measure = {
    name,
    events,
    ...timing,
    rate: events / timing.seconds,
    clientMicrosPerEvent: perEvent(timing.clientCpuPct),
    serverMicrosPerEvent: perEvent(timing.serverCpuPct),
  };
  log(`${name}: ${fmt(result.rate)} events/s (${result.seconds.toFixed(2)} s, client ${result.clientCpuPct.toFixed(0)} % cpu, server ${result.serverCpuPct.toFixed(0)} % cpu)`);
  return result;
}

const micros = (n: number): string => (Number.isNaN(n) ? '?' : n.toFixed(1));
/** The fastest of several runs of a phase, with every run's rate. */
const best = (ms: Measure[]): Measure => ({ ...ms.reduce((a, b) => (b.rate > a.rate ? b : a)), runs: ms.map((m) => m.rate) });

function measureRow(m: Measure): string[] {
  return [
    m.name,
    fmt(m.events),
    m.seconds.toFixed(2),
    fmt(m.rate),
    `${m.clientCpuPct.toFixed(0)} %`,
    Number.isNaN(m.serverCpuPct) ? '?' : `${m.serverCpuPct.toFixed(0)} %`,
    micros(m.clientMicrosPerEvent),
    micros(m.serverMicrosPerEvent),
    m.runs && m.runs.length > 1 ? m.runs.map(fmt).join(' / ') : '',
  ];
}

async function run(options: BenchOptions, server: NatsServerProcess, nc: NatsConnection, machine: Machine): Promise<Results> {
  const js: JetStreamClient = jetstream(nc);
  const jsm: JetStreamManager = await jetstreamManager(nc);
  const pid = server.pid;
  await checkBodyFormat(nc, jsm);

  // Warm-up (untimed), so that the first measured phase does not also pay for JIT compilation.
  const warmSeq = await openLog(nc, 'BENCH_WARMUP_SEQ', 'bench.warmup.seq');
  await portSequential(warmSeq.store, 2_000, 2);
  await rawSequential(js, `${warmSeq.subjectPrefix}.raw`, 2_000, 2);
  const warmConc = await openLog(nc, 'BENCH_WARMUP_CONC', 'bench.warmup.conc');
  await portConcurrent(warmConc.store, Math.min(options.appends, 10_000), options.streams, 256);
  await rawConcurrent(js, `${warmConc.subjectPrefix}.raw`, Math.min(options.appends, 10_000), options.streams, 256);
  for (const l of [warmSeq, warmConc]) await jsm.streams.delete(l.streamName);

  // 1. Sequential appends, port and raw alternating who goes first, `appendRounds` times.
  const seqRuns = { port: [] as Measure[], raw: [] as Measure[] };
  for (let r = 0; r < options.appendRounds; r++) {
    const seqPort = await openLog(nc, 'BENCH_SEQ_PORT', 'bench.seq.port');
    const seqRaw = await openLog(nc, 'BENCH_SEQ_RAW', 'bench.seq.raw');
    const doPort = async () =>
      seqRuns.port.push(await measure('sequential append, port', options.sequential, pid, () => portSequential(seqPort.store, options.sequential, options.sequentialStreams)));
    const doRaw = async () =>
      seqRuns.raw.push(await measure('sequential append, raw js.publish', options.sequential, pid, () => rawSequential(js, seqRaw.subjectPrefix, options.sequential, options.sequentialStreams)));
    for (const step of r % 2 === 0 ? [doPort, doRaw] : [doRaw, doPort]) await step();
    await expectCount(jsm, seqPort.streamName, options.sequential);
    await expectCount(jsm, seqRaw.streamName, options.sequential);
    for (const l of [seqPort, seqRaw]) await jsm.streams.delete(l.streamName);
  }
  const seqPortM = best(seqRuns.port);
  const seqRawM = best(seqRuns.raw);

  // 2 + 4a. Concurrent appends over `streams` fresh streams at each bound, `appendRounds` times,
  // port and raw alternating who goes first.
  const runs = new Map<number, { port: Measure[]; raw: Measure[] }>(options.concurrency.map((c) => [c, { port: [], raw: [] }]));
  for (let r = 0; r < options.appendRounds; r++) {
    for (const [i, c] of options.concurrency.entries()) {
      const portLog = await openLog(nc, `BENCH_APPEND_PORT_C${c}`, `bench.ap.port.c${c}`);
      const rawLog = await openLog(nc, `BENCH_APPEND_RAW_C${c}`, `bench.ap.raw.c${c}`);
      const doPort = async () =>
        runs.get(c)!.port.push(await measure(`concurrent append, port, ${c} in flight`, options.appends, pid, () => portConcurrent(portLog.store, options.appends, options.streams, c)));
      const doRaw = async () =>
        runs.get(c)!.raw.push(await measure(`concurrent append, raw js.publish, ${c} in flight`, options.appends, pid, () => rawConcurrent(js, rawLog.subjectPrefix, options.appends, options.streams, c)));
      for (const step of (i + r) % 2 === 0 ? [doPort, doRaw] : [doRaw, doPort]) await step();
      await expectCount(jsm, portLog.streamName, options.appends);
      await expectCount(jsm, rawLog.streamName, options.appends);
      for (const l of [portLog, rawLog]) await jsm.streams.delete(l.streamName);
    }
  }
  const concurrent: Results['concurrent'] = [...runs.entries()].map(([concurrency, m]) => ({ concurrency, port: best(m.port), raw: best(m.raw) }));
  const chosen = concurrent.reduce((a, b) => (b.port.rate > a.port.rate ? b : a));

  // 3 + 4b. Seed the replay log, then replay it through the port and raw, in alternating order.
  const replayLog = await openLog(nc, 'BENCH_REPLAY', 'bench.rp', options.batchSize);
  const seedM = await measure('seed (raw core publish, no acks, until stored)', options.events, pid, () => seed(nc, jsm, replayLog, options.events, options.streams));
  await expectCount(jsm, replayLog.streamName, options.events);
  const replayRuns = { port: [] as Measure[], rawNoParse: [] as Measure[], rawParse: [] as Measure[] };
  const counted = (expected: number, what: string) => (n: number) => {
    if (n !== expected) throw new Error(`${what} saw ${n} events, expected ${expected}`);
  };
  const doPort = async () =>
    replayRuns.port.push(await measure(`readAll replay, port (batch ${options.batchSize})`, options.events, pid, async () => counted(options.events, 'port replay')(await portReplay(replayLog.store))));
  const doRawParse = async () =>
    replayRuns.rawParse.push(await measure('replay, raw ordered consumer + JSON.parse', options.events, pid, async () => counted(options.events, 'raw replay')(await rawReplay(js, replayLog, options.batchSize, true))));
  const doRawNoParse = async () =>
    replayRuns.rawNoParse.push(await measure('replay, raw ordered consumer, no parse', options.events, pid, async () => counted(options.events, 'raw replay')(await rawReplay(js, replayLog, options.batchSize, false))));
  for (let r = 0; r < options.replayRounds; r++) {
    const order = r % 2 === 0 ? [doRawNoParse, doRawParse, doPort] : [doPort, doRawParse, doRawNoParse];
    for (const step of order) await step();
  }

  const replay = { port: best(replayRuns.port), rawNoParse: best(replayRuns.rawNoParse), rawParse: best(replayRuns.rawParse) };
  const portReplayBest = replay.port.rate;
  const ratios = {
    append: ratio(chosen.raw.rate, chosen.port.rate),
    appendBestVsBest: ratio(best(concurrent.map((c) => c.raw)).rate, chosen.port.rate),
    replayVsRawParse: ratio(replay.rawParse.rate, portReplayBest),
    replayVsRawNoParse: ratio(replay.rawNoParse.rate, portReplayBest),
    appendClientCpu: ratio(chosen.port.clientMicrosPerEvent, chosen.raw.clientMicrosPerEvent),
    replayClientCpuVsRawParse: ratio(replay.port.clientMicrosPerEvent, replay.rawParse.clientMicrosPerEvent),
    replayClientCpuVsRawNoParse: ratio(replay.port.clientMicrosPerEvent, replay.rawNoParse.clientMicrosPerEvent),
  };
  const results: Results = {
    bench: 'event-store',
    date: new Date().toISOString(),
    machine,
    options,
    sequential: { port: seqPortM, raw: seqRawM },
    concurrent,
    chosenConcurrency: chosen.concurrency,
    loadAverageAtEnd: 0,
    seed: seedM,
    replay,
    ratios,
    targets: [
      { name: 'concurrent append through the port', target: `≥ ${fmt(targets.concurrentAppend)} events/s`, value: `${fmt(chosen.port.rate)} events/s`, met: chosen.port.rate >= targets.concurrentAppend },
      { name: 'readAll replay through the port', target: `≥ ${fmt(targets.replay)} events/s`, value: `${fmt(portReplayBest)} events/s`, met: portReplayBest >= targets.replay },
      { name: 'append overhead (raw / port, same concurrency)', target: `≤ ${targets.overhead}×`, value: `${ratios.append}×`, met: ratios.append <= targets.overhead },
      { name: 'replay overhead (raw+parse / port)', target: `≤ ${targets.overhead}×`, value: `${ratios.replayVsRawParse}×`, met: ratios.replayVsRawParse <= targets.overhead },
      { name: 'replay overhead (raw no parse / port)', target: `≤ ${targets.overhead}×`, value: `${ratios.replayVsRawNoParse}×`, met: ratios.replayVsRawNoParse <= targets.overhead },
    ],
  };

  if (options.diagnostics) {
    log('diagnostics: component costs');
    const components = await componentCosts(500_000);
    const replayBatchSizes: Measure[] = [];
    for (const batchSize of [...new Set([256, 1024, 4096, options.batchSize])].sort((a, b) => a - b)) {
      const store = (await openLog(nc, replayLog.streamName, replayLog.subjectPrefix, batchSize)).store;
      replayBatchSizes.push(await measure(`readAll replay, port, batch ${batchSize}`, options.events, pid, async () => counted(options.events, 'port replay')(await portReplay(store))));
    }
    // connectNats turns async traces off; the client otherwise builds two Error objects per request.
    log('diagnostics: appends on a connection with async traces on (the client default)');
    // Interleaved with the production connection, since the machine's load drifts between phases.
    const traced = await connect({ servers: server.url, name: 'plato-bench-async-traces', noAsyncTraces: false });
    const traceRuns = new Map<string, Measure[]>();
    try {
      const c = chosen.concurrency;
      const variants = [
        { name: `port, connectNats (no async traces)`, conn: nc, port: true },
        { name: `port, async traces`, conn: traced, port: true },
        { name: `raw js.publish, connectNats (no async traces)`, conn: nc, port: false },
        { name: `raw js.publish, async traces`, conn: traced, port: false },
      ];
      for (let r = 0; r < 2; r++) {
        for (const v of r === 0 ? variants : [...variants].reverse()) {
          const l = await openLog(v.conn, 'BENCH_TRACES', 'bench.traces');
          const vjs = jetstream(v.conn);
          const m = await measure(`concurrent append, ${v.name}, ${c} in flight`, options.appends, pid, () =>
            v.port ? portConcurrent(l.store, options.appends, options.streams, c) : rawConcurrent(vjs, l.subjectPrefix, options.appends, options.streams, c),
          );
          await expectCount(jsm, l.streamName, options.appends);
          await jsm.streams.delete(l.streamName);
          traceRuns.set(v.name, [...(traceRuns.get(v.name) ?? []), m]);
        }
      }
    } finally {
      await traced.close();
    }
    const appendNoTraces = [...traceRuns.values()].map(best);
    const profiles: Record<string, ProfileSummary> = {};
    log('diagnostics: CPU profiles');
    profiles['port readAll replay'] = (await profiled(() => portReplay(replayLog.store))).summary;
    profiles['raw replay + JSON.parse'] = (await profiled(() => rawReplay(js, replayLog, options.batchSize, true))).summary;
    const profileAppends = Math.min(options.appends, 50_000);
    const pa = await openLog(nc, 'BENCH_PROFILE_PORT', 'bench.prof.port');
    profiles[`port concurrent append (${chosen.concurrency} in flight)`] = (await profiled(() => portConcurrent(pa.store, profileAppends, options.streams, chosen.concurrency))).summary;
    const ra = await openLog(nc, 'BENCH_PROFILE_RAW', 'bench.prof.raw');
    profiles[`raw concurrent append (${chosen.concurrency} in flight)`] = (await profiled(() => rawConcurrent(js, ra.subjectPrefix, profileAppends, options.streams, chosen.concurrency))).summary;
    for (const l of [pa, ra]) await jsm.streams.delete(l.streamName);
    results.diagnostics = { components, replayBatchSizes, appendNoTraces, profiles };
  }
  await jsm.streams.delete(replayLog.streamName);
  results.loadAverageAtEnd = loadAverage1m();
  return results;
}

function report(results: Results): string {
  const out: string[] = [];
  out.push(`Event store benchmark — ${results.date}`);
  out.push(`machine: ${machineLine(results.machine)}`);
  const o = results.options;
  out.push(
    `sizes: ${fmt(o.sequential)} sequential appends over ${o.sequentialStreams} streams; ${fmt(o.appends)} concurrent appends over ${fmt(o.streams)} streams; ` +
      `${fmt(o.events)} events replayed (batch ${o.batchSize}); best of ${o.appendRounds} append / ${o.replayRounds} replay runs; one event per append`,
  );
  out.push('');
  const rows: string[][] = [['phase', 'events', 'seconds', 'events/s', 'client cpu', 'server cpu', 'client µs/ev', 'server µs/ev', 'all runs, events/s']];
  rows.push(measureRow(results.sequential.port), measureRow(results.sequential.raw));
  for (const c of results.concurrent) rows.push(measureRow(c.port), measureRow(c.raw));
  rows.push(measureRow(results.seed));
  for (const m of [results.replay.rawNoParse, results.replay.rawParse, results.replay.port]) rows.push(measureRow(m));
  out.push(table(rows));
  out.push(`(best run of each phase; cpu: % of one core over that run; the ${results.machine.cpus} cores are shared by the bench and nats-server)`);
  out.push(`load average (1 min): ${results.machine.loadAverage1m} at start, ${results.loadAverageAtEnd} at end`);
  out.push('');
  const r = results.ratios;
  out.push(`chosen concurrency: ${results.chosenConcurrency} in flight (best port rate)`);
  out.push(`port overhead, append  (raw / port at ${results.chosenConcurrency} in flight): ${r.append}×   (best raw of any bound / port: ${r.appendBestVsBest}×)`);
  out.push(`port overhead, replay (raw + JSON.parse / port): ${r.replayVsRawParse}×   (raw without parse / port: ${r.replayVsRawNoParse}×)`);
  out.push(
    `client CPU per event, port / raw: append ${r.appendClientCpu}×, replay ${r.replayClientCpuVsRawParse}× vs raw + JSON.parse, ${r.replayClientCpuVsRawNoParse}× vs raw without parse`,
  );
  out.push('');
  out.push(table([['target', 'wanted', 'measured', 'met'], ...results.targets.map((t) => [t.name, t.target, t.value, t.met ? 'yes' : 'NO'])]));
  const d = results.diagnostics;
  if (d) {
    out.push('');
    out.push('Where the client time goes');
    out.push(table([['step (in-process, no I/O)', 'µs/event'], ...d.components.map((c) => [c.step, c.microsPerEvent.toFixed(3)])]));
    out.push('');
    out.push(table([['readAll by consumer batch size', 'events/s', 'client µs/event', 'server µs/event'], ...d.replayBatchSizes.map((m) => [m.name, fmt(m.rate), micros(m.clientMicrosPerEvent), micros(m.serverMicrosPerEvent)])]));
    out.push('');
    out.push(table([['append, connectNats (no async traces) vs async traces on', 'events/s', 'client µs/event', 'server µs/event', 'all runs, events/s'], ...d.appendNoTraces.map((m) => [m.name, fmt(m.rate), micros(m.clientMicrosPerEvent), micros(m.serverMicrosPerEvent), (m.runs ?? []).map(fmt).join(' / ')])]));
    for (const [name, p] of Object.entries(d.profiles)) {
      out.push('');
      out.push(`CPU profile of ${name} (share of the bench process's samples):`);
      out.push('  by category: ' + percentages(p.categories));
      out.push('  top self time: ' + topFramesLine(p.top));
    }
  }
  return out.join('\n');
}

async function main(): Promise<number> {
  const options = parseOrExit(parseOptions, usage);
  if (typeof options === 'number') return options;
  const machine = describeMachine();
  log(machineLine(machine));
  let server: NatsServerProcess | undefined;
  let nc: NatsConnection | undefined;
  return guardedRun(options.timeoutSeconds, log, () => ({
    run: async () => {
      server = await NatsServerProcess.start();
      log(`nats-server pid ${server.pid} on ${server.url}, store ${server.storeDir}`);
      nc = await connectNats({ name: 'plato-bench-event-store', servers: server.url });
      const results = await run(options, server, nc, machine);
      printResults(report(results), results);
      return 0;
    },
    cleanup: async () => {
      await Promise.race([nc?.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2_000))]);
      await server?.stop().catch((error: unknown) => log(`could not stop nats-server: ${String(error)}`));
      if (server) log(`stopped nats-server (pid ${server.pid ?? 'gone'}) and removed ${server.storeDir}`);
    },
  }));
}

process.exit(await main());

import { readFileSync } from 'node:fs';

/** A V8 CPU-profile node (the inspector's `Profiler.stop` and `node --cpu-prof` alike). */
export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** How much CPU time (samples or microseconds) fell on each category and on the busiest frames. */
export interface SelfTime {
  /** The time counted (all time not skipped). */
  total: number;
  /** Share of `total` by category, in %, largest first. */
  byCategory: Record<string, number>;
  /** The frames with the most self time: `name (file:line)` and share of `total`. */
  top: { frame: string; pct: number }[];
}

/** Names where a category names the code a sample fell in; undefined leaves the sample out. */
export type Classify = (url: string, name: string) => string | undefined;

/** `name (file:line)`, the file shortened to its package path or its last three path parts. */
export function frameName(url: string, name: string, line: number): string {
  if (!url) return name;
  const nm = url.lastIndexOf('node_modules/');
  const tail = nm >= 0 ? url.slice(nm + 'node_modules/'.length) : url.split('/').slice(-3).join('/');
  return `${name} (${tail}:${line + 1})`;
}

/** Sums the self time of profile nodes (`[node, time]`) by `classify`'s category and by frame. */
export function selfTime(weights: Iterable<[ProfileNode, number]>, classify: Classify, topCount = 12): SelfTime {
  const categories = new Map<string, number>();
  const frames = new Map<string, number>();
  let total = 0;
  for (const [node, time] of weights) {
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const category = classify(url, name);
    if (category === undefined) continue;
    total += time;
    categories.set(category, (categories.get(category) ?? 0) + time);
    const frame = frameName(url, name, lineNumber);
    frames.set(frame, (frames.get(frame) ?? 0) + time);
  }
  const pct = (t: number) => Math.round((t / (total || 1)) * 1000) / 10;
  return {
    total,
    byCategory: Object.fromEntries([...categories.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, pct(v)])),
    top: [...frames.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, topCount)
      .map(([frame, t]) => ({ frame, pct: pct(t) })),
  };
}

/** Where a process's CPU samples fell (from a `--cpu-prof` profile). */
export interface CpuProfileSummary {
  /** Sampled seconds while not idle. */
  busySeconds: number;
  /** Share of busy samples by where the code lives (a package, node core, GC). */
  byOrigin: Record<string, number>;
  /** The functions with the most self time, share of busy samples. */
  top: { frame: string; pct: number }[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const origin: Classify = (url, name) => {
  if (name === '(idle)') return undefined;
  if (name === '(garbage collector)') return 'garbage collector';
  if (name === '(program)') return 'V8/native (program)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const lib = /\/(libs|apps)\/([^/]+)\//.exec(url);
  if (lib) return `@plato/${lib[2]}`;
  if (url.startsWith('node:') || url === '') return 'node core / builtins';
  return 'other';
};

/** Summarizes a `.cpuprofile` written by `node --cpu-prof`: busy self time by origin and the top frames. */
export function summarizeCpuProfile(file: string, topCount = 12): CpuProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const weights = [...self].flatMap(([id, micros]): [ProfileNode, number][] => {
    const node = byId.get(id);
    return node ? [[node, micros]] : [];
  });
  const { total, byCategory, top } = selfTime(weights, origin, topCount);
  return { busySeconds: Math.round(total / 1e4) / 100, byOrigin: byCategory, top };
}

/** The first `count` frames as `frame pct %`, semicolon-separated, for a report line. */
export function topFramesLine(top: readonly { frame: string; pct: number }[], count = 8): string {
  return top
    .slice(0, count)
    .map((f) => `${f.frame} ${f.pct} %`)
    .join('; ');
}

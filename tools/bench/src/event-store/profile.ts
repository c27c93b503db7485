import { Session } from 'node:inspector/promises';
import { writeFile } from 'node:fs/promises';
import { selfTime, type Classify, type ProfileNode } from '../shared/cpu-profile.summary.js';

/** Where the CPU samples of a profiled phase fell. */
export interface ProfileSummary {
  /** Share of samples by category (idle = the client waited on the server). */
  categories: Record<string, number>;
  /** The functions with the most self time: `name (file:line)` and share of samples. */
  top: { frame: string; pct: number }[];
}

const category: Classify = (url, name) => {
  if (name === '(idle)') return 'idle (waiting on the server)';
  if (name === '(garbage collector)') return 'garbage collector';
  if (name === '(program)') return 'V8/native (program)';
  if (url.includes('/zod/')) return 'zod (validation)';
  if (url.includes('/contracts/')) return '@plato/contracts';
  if (url.includes('/event-store/dist/')) return '@plato/event-store adapter';
  if (url.includes('@nats-io')) return '@nats-io clients';
  if (url.includes('/bench/dist/')) return 'bench loop';
  if (url.startsWith('node:') || url === '') return name === 'parse' || name === 'stringify' ? `JSON.${name}` : 'node core / builtins';
  return 'other';
};

/** Samples the CPU of this process while `work` runs and summarizes where the samples fell. */
export async function profiled<T>(work: () => Promise<T>, savePath?: string): Promise<{ value: T; summary: ProfileSummary }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.start');
    const value = await work();
    const { profile } = await session.post('Profiler.stop');
    if (savePath) await writeFile(savePath, JSON.stringify(profile));
    const hits = (profile.nodes as ProfileNode[]).filter((n) => n.hitCount).map((n): [ProfileNode, number] => [n, n.hitCount!]);
    const { byCategory, top } = selfTime(hits, category);
    return { value, summary: { categories: byCategory, top } };
  } finally {
    await session.post('Profiler.disable').catch(() => undefined);
    session.disconnect();
  }
}

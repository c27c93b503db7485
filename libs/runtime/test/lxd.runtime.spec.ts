import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { newRunId } from '@plato/testing';
import { LxdRuntime, RuntimeUnavailable } from '../src/index.js';
import { containerRuntimeContract } from './container-runtime.contract.js';

const imagesDir = fileURLToPath(new URL('../../../tools/images/', import.meta.url));
const tarball = `${process.env['PLATO_IMAGE_CACHE'] ?? `${imagesDir}.cache`}/plato-busybox.lxd.tar.gz`;
const image = 'plato/busybox:latest';

containerRuntimeContract('LXD (real daemon)', async () => {
  await promisify(execFile)(`${imagesDir}build`, [], { timeout: 110_000 });
  const runtime = new LxdRuntime({ socketPath: '/var/lib/lxd/unix.socket' });
  await runtime.importImage(tarball, image);
  return { runtime, image, runId: newRunId('plato-rt'), dispose: () => runtime.close() };
});

describe('LxdRuntime without a daemon', () => {
  const runtime = new LxdRuntime({ socketPath: `/tmp/${newRunId('no-lxd')}.sock` });
  afterAll(() => runtime.close());

  it('is not available and fails with RuntimeUnavailable naming the socket', async () => {
    expect(await runtime.available()).toBe(false);
    const listing = runtime.list({ labels: {} });
    await expect(listing).rejects.toBeInstanceOf(RuntimeUnavailable);
    await expect(listing).rejects.toThrow('no-lxd');
  });
});

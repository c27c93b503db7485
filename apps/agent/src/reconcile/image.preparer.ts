import { access } from 'node:fs/promises';
import { createLogger, type Logger } from '@plato/messaging';
import { ImageNotFound, LxdRuntime, type ContainerRuntime, type ImageInfo } from '@plato/runtime';
import { lxdTarballPath } from './image-cache.rules.js';

/**
 * Makes sure a runtime holds an image before the agent creates a container of it. Plato never
 * pulls: Docker must hold the image already. LXD may also get it from the image cache: when its
 * alias is missing and `<cacheDir>/<lxdTarballName(ref)>` exists, the tarball is imported under
 * the ref as alias (one import per ref at a time). Otherwise the image is missing, and the
 * {@link ImageNotFound} names the image (and, on LXD, the tarball that was looked for).
 */
export class ImagePreparer {
  private readonly imports = new Map<string, Promise<ImageInfo>>();
  private readonly logger: Logger;

  constructor(
    private readonly cacheDir: string,
    logger?: Logger,
  ) {
    this.logger = logger ?? createLogger('agent-images');
  }

  /**
   * Resolves with the image on `runtime`, importing an LXD tarball from the cache if needed.
   * `onFetch` is told, with what is fetched from where, before it waits for an import (its own or
   * one already under way); never when the runtime holds the image or nothing can fetch it.
   */
  async prepare(runtime: ContainerRuntime, ref: string, onFetch?: (reason: string) => void): Promise<ImageInfo> {
    try {
      return await runtime.ensureImage(ref);
    } catch (error) {
      if (!(error instanceof ImageNotFound) || !(runtime instanceof LxdRuntime)) throw error;
      const tarball = await this.cachedTarball(ref);
      onFetch?.(`importing ${ref} into lxd from ${tarball}`);
      const key = `${runtime.name}:${ref}`;
      let pending = this.imports.get(key);
      if (!pending) {
        pending = this.importFromCache(runtime, ref, tarball).finally(() => this.imports.delete(key));
        this.imports.set(key, pending);
      }
      return pending;
    }
  }

  private async cachedTarball(ref: string): Promise<string> {
    const tarball = lxdTarballPath(this.cacheDir, ref);
    try {
      await access(tarball);
    } catch {
      throw new LxdImageNotCached(ref, tarball);
    }
    return tarball;
  }

  private async importFromCache(runtime: LxdRuntime, ref: string, tarball: string): Promise<ImageInfo> {
    const startedAt = Date.now();
    const imported = await runtime.importImage(tarball, ref);
    this.logger.info({ image: ref, tarball, fingerprint: imported.id, uploaded: imported.imported, ms: Date.now() - startedAt }, 'imported an LXD image from the image cache');
    return imported;
  }
}

/** An LXD image that is neither in LXD nor in the image cache; its message names both. */
export class LxdImageNotCached extends ImageNotFound {
  constructor(
    image: string,
    readonly tarball: string,
  ) {
    super(image, 'lxd');
    this.message = `${this.message}; no LXD image tarball for it at ${tarball}`;
  }
}

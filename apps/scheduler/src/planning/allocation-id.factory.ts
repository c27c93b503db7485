import type { PlanOptions } from '@plato/scheduling';

const maxLength = 63;

/**
 * Names a new allocation `<deployment>-<index>-<8 hex>`, valid for the contracts' AllocationId
 * (lower-case letters, digits and '-', at most 63 characters): the deployment name is cut so the
 * slot and the random part always survive. `randomHex` gives 8 hex digits; an id in `taken` is
 * drawn again, so the result is new to the snapshot as plan() requires.
 */
export function allocationIdFactory(taken: ReadonlySet<string>, randomHex: () => string): PlanOptions['newId'] {
  return (deploymentKey, index) => {
    const name = deploymentKey.slice(deploymentKey.indexOf('/') + 1).replace(/[^a-z0-9-]/g, '-');
    for (;;) {
      const suffix = `-${index}-${randomHex()}`;
      const id = `${name.slice(0, maxLength - suffix.length)}${suffix}`.replace(/^-+/, '');
      if (!taken.has(id)) return id;
    }
  };
}

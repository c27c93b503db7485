import { ContractViolation } from './errors.js';
import { parseOrThrow, type EventContract } from './message.js';
import {
  AllocationExited,
  AllocationFailed,
  AllocationHealthy,
  AllocationLost,
  AllocationRecovered,
  AllocationPlaced,
  AllocationPullBegan,
  AllocationStartBegan,
  AllocationStarted,
  AllocationStopBegan,
  AllocationStopped,
  AllocationStopRequested,
  AllocationUnhealthy,
  AllocationUnknown,
} from './allocation/allocation.events.js';
import {
  DeploymentDeleted,
  DeploymentPlacementBlocked,
  DeploymentPlacementUnblocked,
  DeploymentDegraded,
  DeploymentRestored,
  DeploymentScaled,
  DeploymentSpecApplied,
  RolloutCompleted,
  RolloutFailed,
  RolloutPaused,
  RolloutPromoted,
  RolloutResumed,
  RolloutStarted,
} from './deployment/deployment.events.js';
import {
  NodeCordoned,
  NodeDrained,
  NodeDrainStarted,
  NodeLost,
  NodeRecovered,
  NodeRegistered,
  NodeRuntimeAvailable,
  NodeRuntimeUnavailable,
  NodeUncordoned,
} from './node/node.events.js';

/**
 * The set of event contracts a log accepts. The event store checks every event against it before
 * appending, so an event that fails its schema, or whose type nobody declared, never reaches the log.
 */
export class EventCatalog {
  private readonly byType = new Map<string, EventContract>();

  constructor(contracts: readonly EventContract[]) {
    for (const contract of contracts) {
      if (this.byType.has(contract.type)) throw new Error(`event type declared twice: ${contract.type}`);
      this.byType.set(contract.type, contract);
    }
  }

  /** The contract of `type`, if declared. */
  get(type: string): EventContract | undefined {
    return this.byType.get(type);
  }

  /** Every declared event type. */
  types(): string[] {
    return [...this.byType.keys()];
  }

  /**
   * Checks `data` against the contract of `type` and returns the parsed data (defaults filled in)
   * with the contract's version. Throws {@link ContractViolation} naming the event and each field.
   */
  validate(type: string, data: unknown): { version: number; data: unknown } {
    const contract = this.byType.get(type);
    if (!contract) throw new ContractViolation(`event ${type}`, [{ path: 'type', message: `unknown event type '${type}'` }]);
    return { version: contract.version, data: parseOrThrow(contract.schema, data, `event ${type}`) };
  }
}

/** Every event Plato's control plane writes. */
export const platoEvents = new EventCatalog([
  DeploymentSpecApplied,
  DeploymentScaled,
  DeploymentDeleted,
  DeploymentPlacementBlocked,
  DeploymentPlacementUnblocked,
  DeploymentDegraded,
  DeploymentRestored,
  RolloutStarted,
  RolloutPaused,
  RolloutResumed,
  RolloutPromoted,
  RolloutCompleted,
  RolloutFailed,
  NodeRegistered,
  NodeCordoned,
  NodeUncordoned,
  NodeDrainStarted,
  NodeDrained,
  NodeLost,
  NodeRecovered,
  NodeRuntimeUnavailable,
  NodeRuntimeAvailable,
  AllocationPlaced,
  AllocationStopRequested,
  AllocationPullBegan,
  AllocationStartBegan,
  AllocationStarted,
  AllocationExited,
  AllocationFailed,
  AllocationUnknown,
  AllocationHealthy,
  AllocationUnhealthy,
  AllocationStopBegan,
  AllocationStopped,
  AllocationLost,
  AllocationRecovered,
]);

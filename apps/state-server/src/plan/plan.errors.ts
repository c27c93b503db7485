import { ErrorCode, PlatoError } from '@plato/contracts';
import type { PlanRefusalReason } from './plan.checker.js';

/**
 * A plan no longer fits the cluster and was refused as a whole; nothing of it was written. Code
 * `CONFLICT`; `details.reasons` name the nodes and deployments (`namespace/name`) and why. The
 * scheduler plans again from a newer snapshot.
 */
export class PlanRefused extends PlatoError {
  constructor(readonly reasons: PlanRefusalReason[]) {
    super(ErrorCode.Conflict, `plan refused: ${reasons.map((r) => r.reason).join('; ')}`, { reasons });
  }
}

import { Inject, Injectable } from '@nestjs/common';
import {
  ApplyDeployment,
  ContractViolation,
  DeleteDeployment,
  DeploymentSpec,
  DescribeDeployment,
  ListDeployments,
  PlanDeployment,
  PauseRollout,
  PlatoError,
  ErrorCode,
  PromoteRollout,
  ResumeRollout,
  ScaleDeployment,
  UndoRollout,
  issuesOf,
  parseOrThrow,
  type ContractIssue,
  type ReplyOf,
} from '@plato/contracts';
import { ControlPlaneClient } from '../control-plane.client.js';
import { commandIdOf } from '../http/command-id.js';
import { documentOfBody } from '../http/request-body.reader.js';
import { ConditionalQuery, DeploymentListQuery, ScaleRequest, UndoRequest } from '../openapi/http.schemas.js';

/** A command's reply: the stream, its revision after the command, and the events it wrote. */
export type CommandReply = ReplyOf<typeof ApplyDeployment>;

/**
 * Turns the deployment routes' requests into commands and queries for the state-server. Every
 * refusal names the field as the client wrote it: a body field by its path in the body, a query
 * parameter or header by its name.
 */
@Injectable()
export class DeploymentsService {
  constructor(@Inject(ControlPlaneClient) private readonly controlPlane: ControlPlaneClient) {}

  /**
   * Applies the spec in `body` (JSON or YAML) as `namespace/name`. The body's name and namespace
   * are filled in from the path when absent and must match it when present.
   */
  apply(namespace: string, name: string, body: unknown, query: unknown, idempotencyKey: string | undefined): Promise<CommandReply> {
    const { ifRevision } = parseOrThrow(ConditionalQuery, query, 'query');
    const spec = specAt(namespace, name, documentOfBody(body));
    return this.controlPlane.send(ApplyDeployment, { commandId: commandIdOf(idempotencyKey), spec, ifRevision });
  }

  /** Previews applying the spec in `body` as `namespace/name` (read as {@link apply} reads it); writes nothing. */
  plan(namespace: string, name: string, body: unknown): Promise<ReplyOf<typeof PlanDeployment>> {
    return this.controlPlane.send(PlanDeployment, { spec: specAt(namespace, name, documentOfBody(body)) });
  }

  /** Scales `namespace/name` to the body's replica count. */
  scale(namespace: string, name: string, body: unknown, idempotencyKey: string | undefined): Promise<CommandReply> {
    const { replicas, ifRevision } = parseOrThrow(ScaleRequest, documentOfBody(body), 'scale request');
    return this.controlPlane.send(ScaleDeployment, { commandId: commandIdOf(idempotencyKey), namespace, name, replicas, ifRevision });
  }

  /** Deletes `namespace/name`. */
  delete(namespace: string, name: string, query: unknown, idempotencyKey: string | undefined): Promise<CommandReply> {
    const { ifRevision } = parseOrThrow(ConditionalQuery, query, 'query');
    return this.controlPlane.send(DeleteDeployment, { commandId: commandIdOf(idempotencyKey), namespace, name, ifRevision });
  }

  /** Lists the live deployments, of one namespace when the query names it. */
  list(query: unknown): Promise<ReplyOf<typeof ListDeployments>> {
    return this.controlPlane.send(ListDeployments, parseOrThrow(DeploymentListQuery, query, 'query'));
  }

  /** The latest rollout of `namespace/name`; NOT_FOUND when it has none (its spec has no `update` block). */
  async rollout(namespace: string, name: string): Promise<NonNullable<ReplyOf<typeof DescribeDeployment>['rollout']>> {
    const { rollout } = await this.controlPlane.send(DescribeDeployment, { namespace, name });
    if (!rollout) throw new PlatoError(ErrorCode.NotFound, `deployment ${namespace}/${name} has no rollout (its spec has no update block)`, { kind: 'rollout', namespace, name });
    return rollout;
  }

  /** Pauses, resumes or promotes the rollout of `namespace/name`. */
  changeRollout(action: 'pause' | 'resume' | 'promote', namespace: string, name: string, idempotencyKey: string | undefined): Promise<CommandReply> {
    const command = { commandId: commandIdOf(idempotencyKey), namespace, name };
    if (action === 'pause') return this.controlPlane.send(PauseRollout, command);
    if (action === 'resume') return this.controlPlane.send(ResumeRollout, command);
    return this.controlPlane.send(PromoteRollout, command);
  }

  /** Brings back an earlier version of `namespace/name` as a new version (the body may name it, and a revision). */
  undo(namespace: string, name: string, body: unknown, idempotencyKey: string | undefined): Promise<CommandReply> {
    const document = body === undefined || body === null || body === '' ? {} : documentOfBody(body);
    const { toVersion, ifRevision } = parseOrThrow(UndoRequest, document, 'undo request');
    return this.controlPlane.send(UndoRollout, { commandId: commandIdOf(idempotencyKey), namespace, name, toVersion, ifRevision });
  }

  /** Describes `namespace/name`: its spec, its allocations, and why replicas are not placed. */
  describe(namespace: string, name: string): Promise<ReplyOf<typeof DescribeDeployment>> {
    return this.controlPlane.send(DescribeDeployment, { namespace, name });
  }
}

function specAt(namespace: string, name: string, document: unknown): DeploymentSpec {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return parseOrThrow(DeploymentSpec, document, 'deployment spec');
  const given = document as Record<string, unknown>;
  const mismatches: ContractIssue[] = [];
  if (given['name'] !== undefined && given['name'] !== name) mismatches.push({ path: 'name', message: `must match the name in the path ('${name}')` });
  if (given['namespace'] !== undefined && given['namespace'] !== namespace) {
    mismatches.push({ path: 'namespace', message: `must match the namespace in the path ('${namespace}')` });
  }
  const result = DeploymentSpec.safeParse({ ...given, name: given['name'] ?? name, namespace: given['namespace'] ?? namespace });
  const issues = [...mismatches, ...(result.success ? [] : issuesOf(result.error).filter((i) => !mismatches.some((m) => m.path === i.path)))];
  if (issues.length > 0 || !result.success) throw new ContractViolation('deployment spec', issues);
  return result.data;
}

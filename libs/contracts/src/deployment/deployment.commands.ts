import { z } from 'zod';
import { defineCommand, defineQuery } from '../message.js';
import { Subjects } from '../subjects.js';
import { CommandAccepted, CommandId } from '../command.schema.js';
import { DeploymentSpec, ObjectName } from './deployment-spec.schema.js';

/** Declares or updates a deployment. `ifRevision` makes it conditional (409 if the stream moved). */
export const ApplyDeployment = defineCommand(
  Subjects.command.deploymentApply,
  1,
  z.strictObject({ commandId: CommandId, spec: DeploymentSpec, ifRevision: z.int().min(0).optional() }),
  CommandAccepted,
);

/** Changes a deployment's replica count. */
export const ScaleDeployment = defineCommand(
  Subjects.command.deploymentScale,
  1,
  z.strictObject({
    commandId: CommandId,
    namespace: ObjectName.default('default'),
    name: ObjectName,
    replicas: z.int().min(0).max(10_000),
    ifRevision: z.int().min(0).optional(),
  }),
  CommandAccepted,
);

/** Deletes a deployment. */
export const DeleteDeployment = defineCommand(
  Subjects.command.deploymentDelete,
  1,
  z.strictObject({ commandId: CommandId, namespace: ObjectName.default('default'), name: ObjectName, ifRevision: z.int().min(0).optional() }),
  CommandAccepted,
);

/** A deployment as the projection holds it. */
export const DeploymentView = z.strictObject({
  namespace: z.string(),
  name: z.string(),
  version: z.int(),
  replicas: z.int(),
  deleted: z.boolean(),
  revision: z.int(),
  spec: DeploymentSpec,
});
/** A deployment as the projection holds it. */
export type DeploymentView = z.output<typeof DeploymentView>;

/** Reads one deployment. */
export const GetDeployment = defineQuery(
  Subjects.query.deploymentGet,
  1,
  z.strictObject({ namespace: ObjectName.default('default'), name: ObjectName }),
  DeploymentView,
);

/** Lists the live deployments of a namespace (all namespaces when omitted). */
export const ListDeployments = defineQuery(
  Subjects.query.deploymentList,
  1,
  z.strictObject({ namespace: ObjectName.optional() }),
  z.strictObject({ items: z.array(DeploymentView) }),
);

/** One event as history shows it. */
export const HistoryEntry = z.strictObject({
  position: z.int(),
  type: z.string(),
  version: z.int(),
  created: z.string(),
  data: z.unknown(),
});

/** Reads the event history of one stream (`deployment.default.web`). */
export const StreamHistory = defineQuery(
  Subjects.query.streamHistory,
  1,
  z.strictObject({ stream: z.string().min(1) }),
  z.strictObject({ stream: z.string(), events: z.array(HistoryEntry) }),
);


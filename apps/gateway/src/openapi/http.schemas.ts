import {
  AllocationDescription,
  AllocationView,
  CommandAccepted,
  DeploymentDescription,
  DeploymentPlanPreview,
  DeploymentSpec,
  DeploymentView,
  ErrorCode,
  HistoryEntry,
  ListAllocations,
  ListDeployments,
  ListNodes,
  NodeView,
  RolloutView,
  ScaleDeployment,
  UndoRollout,
  StreamHistory,
  parseDurationMs,
} from '@plato/contracts';
import { z } from 'zod';

/** The body of every error answer: Plato's ErrorBody with the codes it may carry. */
export const ErrorResponse = z.strictObject({
  code: z.enum(ErrorCode),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
});

/** A 400: the request broke a contract; `details.issues` names each bad field (`''` is the body itself). */
export const ContractViolationResponse = ErrorResponse.extend({
  code: z.literal(ErrorCode.ContractViolation),
  details: z.looseObject({
    subject: z.string(),
    issues: z.array(z.strictObject({ path: z.string(), message: z.string() })),
  }),
});

/** A 409: the stream moved since the revision the request expected, or the command conflicts with its state. */
export const ConflictResponse = ErrorResponse.extend({
  code: z.enum([ErrorCode.WrongExpectedRevision, ErrorCode.Conflict]),
  details: z.looseObject({
    stream: z.string().optional(),
    expected: z.union([z.int(), z.enum(['any', 'no_stream', 'stream_exists'])]).optional(),
    actual: z.union([z.int(), z.literal('no_stream')]).optional(),
  }),
});

/** The body of `POST …/scale`: the ScaleDeployment command without what the path and server give. */
export const ScaleRequest = ScaleDeployment.schema.pick({ replicas: true, ifRevision: true });

/** The body of `POST …/rollout/undo`: the version to bring back (default: the newest stable one before the current) and a revision to hold to. */
export const UndoRequest = UndoRollout.schema.pick({ toVersion: true, ifRevision: true });

/** A non-negative integer in a query string. */
export const RevisionQueryValue = z.string().regex(/^\d+$/, 'must be a non-negative integer').transform(Number);

/** Query of `PUT` and `DELETE` on a deployment. */
export const ConditionalQuery = z.strictObject({ ifRevision: RevisionQueryValue.optional() });

/** Query of `GET /v1/deployments`. */
export const DeploymentListQuery = ListDeployments.schema;

/** Query of `GET /v1/allocations`: ListAllocations with `node` for the node id and `all=true` for terminal ones. */
export const AllocationListQuery = z.strictObject({
  namespace: ListAllocations.schema.shape.namespace,
  deployment: ListAllocations.schema.shape.deployment,
  node: ListAllocations.schema.shape.nodeId,
  all: z.enum(['true', 'false']).optional(),
});

/** Query of `POST /v1/nodes/{id}/drain`: the deadline, a duration (`30s`, `5m`) or milliseconds. */
export const DrainQuery = z.strictObject({
  deadline: z
    .string()
    .refine((text) => parseDurationMs(text) !== undefined, "must be a duration: '500ms', '5s', '1m' or '1h'")
    .optional()
    .describe('after it, what is left on the node is stopped at once'),
});

/** Query of `GET /v1/events`: resume after a position, and keep only streams under a prefix. */
export const EventStreamQuery = z.strictObject({
  from: RevisionQueryValue.optional(),
  stream: z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, "must be stream tokens joined by '.'").optional(),
});

/** The kinds of object whose history `GET /v1/history/{kind}/{id}` reads. */
export const HistoryKind = z.enum(['deployment', 'node', 'alloc']);
/** The kinds of object whose history the gateway reads. */
export type HistoryKind = z.output<typeof HistoryKind>;

/** One event of the live stream, as the `data:` line of a server-sent event carries it. */
export const LiveEvent = z.strictObject({
  stream: z.string(),
  type: z.string(),
  position: z.int().min(1),
  created: z.iso.datetime(),
  data: z.unknown(),
});
/** One event of the live stream. */
export type LiveEvent = z.output<typeof LiveEvent>;

/** The body of `GET /healthz`. */
export const HealthResponse = z.strictObject({ status: z.enum(['ok', 'degraded']), nats: z.enum(['connected', 'disconnected']) });

/**
 * The named schemas of the OpenAPI document, each with the side it describes: `input` for what a
 * client sends (defaults optional), `output` for what the gateway answers (defaults filled in).
 * Every one is a contract's zod schema or built from one; the document converts them with
 * `z.toJSONSchema()`.
 */
export const openApiComponents = {
  DeploymentSpecInput: { schema: DeploymentSpec, io: 'input' },
  ScaleRequest: { schema: ScaleRequest, io: 'input' },
  UndoRequest: { schema: UndoRequest, io: 'input' },
  RolloutView: { schema: RolloutView, io: 'output' },
  DeploymentSpec: { schema: DeploymentSpec, io: 'output' },
  CommandAccepted: { schema: CommandAccepted, io: 'output' },
  DeploymentView: { schema: DeploymentView, io: 'output' },
  DeploymentList: { schema: ListDeployments.reply, io: 'output' },
  DeploymentDescription: { schema: DeploymentDescription, io: 'output' },
  DeploymentPlanPreview: { schema: DeploymentPlanPreview, io: 'output' },
  NodeView: { schema: NodeView, io: 'output' },
  NodeList: { schema: ListNodes.reply, io: 'output' },
  AllocationView: { schema: AllocationView, io: 'output' },
  AllocationList: { schema: ListAllocations.reply, io: 'output' },
  AllocationDescription: { schema: AllocationDescription, io: 'output' },
  HistoryEntry: { schema: HistoryEntry, io: 'output' },
  StreamHistory: { schema: StreamHistory.reply, io: 'output' },
  LiveEvent: { schema: LiveEvent, io: 'output' },
  Health: { schema: HealthResponse, io: 'output' },
  OpenApiDocument: { schema: z.record(z.string(), z.unknown()), io: 'output' },
  ErrorBody: { schema: ErrorResponse, io: 'output' },
  ContractViolationError: { schema: ContractViolationResponse, io: 'output' },
  ConflictError: { schema: ConflictResponse, io: 'output' },
} as const satisfies Record<string, { schema: z.ZodType; io: 'input' | 'output' }>;

/** The name of one of {@link openApiComponents}. */
export type ComponentName = keyof typeof openApiComponents;

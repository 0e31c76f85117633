import { CHANGE_KINDS, changeKind, type ChangeKind, type StackPlan } from "./model";

/**
 * Resource types whose destruction loses data that a new resource does not bring back: the
 * database, buckets' objects, the values `zonke secrets` wrote (never part of Terraform: a new
 * secret starts empty), the images the servers run, and keys without which encrypted data is
 * unreadable. A destroy or a replacement of one of these is marked ⚠.
 */
export const STATEFUL_RESOURCE_TYPES: ReadonlySet<string> = new Set([
  "aws_db_instance",
  "aws_rds_cluster",
  "aws_s3_bucket",
  "aws_secretsmanager_secret",
  "aws_ecr_repository",
  "aws_dynamodb_table",
  "aws_efs_file_system",
  "aws_kms_key",
]);

/** A resource the plan changes (no-ops and reads are left out). */
export interface ChangedResource {
  readonly address: string;
  readonly type: string;
  readonly kind: ChangeKind;
  /** The plan's actions, e.g. ["delete", "create"]. */
  readonly actions: readonly string[];
  /** A destroy or replacement of a STATEFUL_RESOURCE_TYPES resource. */
  readonly atRisk: boolean;
  /** The deposed object's key, when the change is to a deposed object. */
  readonly deposed?: string;
  /** For replacements: the attributes that force it, e.g. `encryption_configuration[0].encryption_type`. */
  readonly forcedBy: readonly string[];
  /** Why Terraform deletes or replaces it, in words (from `action_reason`). */
  readonly reason?: string;
}

export type ChangeCounts = Readonly<Record<ChangeKind, number>>;

export interface StackSummary {
  readonly stack: string;
  /** `failed`: no plan (the error says why); `errored`: Terraform wrote a plan but it stopped on an error. */
  readonly status: "planned" | "errored" | "failed";
  readonly counts: ChangeCounts;
  /** The changed resources, in the plan's order (Terraform sorts them by address). */
  readonly resources: readonly ChangedResource[];
  /** Output names by change. */
  readonly outputs: Readonly<Partial<Record<"create" | "update" | "delete", readonly string[]>>>;
  readonly terraformVersion?: string;
  readonly error?: string;
  readonly notes: readonly string[];
}

const REASONS: Readonly<Record<string, string>> = {
  delete_because_no_resource_config: "removed from the configuration",
  delete_because_no_module: "its module was removed",
  delete_because_wrong_repetition: "count/for_each changed",
  delete_because_count_index: "count was reduced",
  delete_because_each_key: "its for_each key is gone",
  delete_because_no_move_target: "its moved target is gone",
  replace_because_tainted: "tainted",
  replace_by_request: "replacement requested (-replace)",
  replace_by_triggers: "replace_triggered_by",
};

export function emptyCounts(): Record<ChangeKind, number> {
  return Object.fromEntries(CHANGE_KINDS.map((kind) => [kind, 0])) as Record<ChangeKind, number>;
}

export function summarizeStack(entry: StackPlan): StackSummary {
  if ("error" in entry) {
    return {
      stack: entry.stack,
      status: "failed",
      counts: emptyCounts(),
      resources: [],
      outputs: {},
      error: entry.error,
      notes: entry.notes ?? [],
    };
  }
  const { plan } = entry;
  const counts = emptyCounts();
  const resources: ChangedResource[] = [];
  for (const change of plan.resource_changes ?? []) {
    const kind = changeKind(change.change.actions);
    if (kind === undefined) continue;
    counts[kind]++;
    const reason = change.action_reason ? REASONS[change.action_reason] : undefined;
    resources.push({
      address: change.address,
      type: change.type,
      kind,
      actions: change.change.actions,
      atRisk: (kind === "delete" || kind === "replace") && STATEFUL_RESOURCE_TYPES.has(change.type),
      ...(change.deposed ? { deposed: change.deposed } : {}),
      forcedBy: kind === "replace" ? (change.change.replace_paths ?? []).map(formatPath) : [],
      ...(reason ? { reason } : {}),
    });
  }
  const outputs: Partial<Record<"create" | "update" | "delete", string[]>> = {};
  for (const [name, change] of Object.entries(plan.output_changes ?? {})) {
    const kind = changeKind(change.actions);
    // An output is a value, not an object: a "replace" of it is an update.
    const group = kind === "replace" ? "update" : kind === "forget" ? undefined : kind;
    if (group) (outputs[group] ??= []).push(name);
  }
  return {
    stack: entry.stack,
    status: plan.errored ? "errored" : "planned",
    counts,
    resources,
    outputs,
    ...(plan.terraform_version ? { terraformVersion: plan.terraform_version } : {}),
    notes: entry.notes ?? [],
  };
}

/** True when the stack's plan changes resources or outputs (or has no plan). */
export function hasChanges(summary: StackSummary): boolean {
  return (
    summary.status !== "planned" ||
    summary.resources.length > 0 ||
    Object.values(summary.outputs).some((names) => names.length > 0)
  );
}

/** `["encryption_configuration", 0, "encryption_type"]` -> `encryption_configuration[0].encryption_type`. */
function formatPath(steps: readonly (string | number)[]): string {
  return steps
    .map((step, i) => (typeof step === "number" ? `[${step}]` : i === 0 ? step : `.${step}`))
    .join("");
}

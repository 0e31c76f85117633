/**
 * The part of Terraform's plan JSON (`terraform show -json <planfile>`, format 1.x) that
 * `zonke plan` reads, and how it is checked. Everything else in the file (`planned_values`,
 * `prior_state`, `configuration`, each change's `before`/`after`) is ignored: the renderer shows
 * addresses and actions only, never an attribute's value, so nothing sensitive reaches a comment.
 *
 * Read, per https://developer.hashicorp.com/terraform/internals/json-format#plan-representation:
 *
 * - `format_version`: "1.x" (a 2.x format is refused: its meaning may have changed);
 * - `terraform_version` (optional): shown under the table;
 * - `errored` (optional, Terraform 1.5+): the plan stopped on an error; its changes are incomplete;
 * - `resource_changes[]`: `address`, `type`, `mode` ("managed" | "data"), `change.actions`, and
 *   the optional `deposed` (a deposed object's key), `action_reason` (why Terraform deletes or
 *   replaces, e.g. `replace_because_cannot_update`, `delete_because_no_resource_config`) and
 *   `change.replace_paths` (the attributes that force a replacement);
 * - `output_changes`: output name -> `{ actions }`.
 *
 * `change.actions` is one of ["no-op"], ["create"], ["read"], ["update"], ["delete", "create"]
 * and ["create", "delete"] (replace: destroy first, or create first with create_before_destroy),
 * ["delete"], ["forget"] (Terraform 1.7+ `removed` blocks: dropped from state, kept in AWS).
 * "read" (a data source read during apply) and "no-op" are not changes.
 */

export type PlanAction = "no-op" | "create" | "read" | "update" | "delete" | "forget";

/** One entry of `resource_changes`. */
export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly mode?: "managed" | "data";
  /** Set when the change is to a deposed object (left over from a create_before_destroy). */
  readonly deposed?: string;
  readonly action_reason?: string;
  readonly change: {
    readonly actions: readonly PlanAction[];
    /** Paths of the attributes whose change forces the replacement, e.g. [["name"]]. */
    readonly replace_paths?: readonly (readonly (string | number)[])[];
  };
}

/** An entry of `output_changes` (its before/after values are not read). */
export interface OutputChange {
  readonly actions: readonly PlanAction[];
}

/** The subset of `terraform show -json <planfile>` that zonke reads. */
export interface TerraformPlan {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly errored?: boolean;
  readonly resource_changes?: readonly ResourceChange[];
  readonly output_changes?: Readonly<Record<string, OutputChange>>;
}

/**
 * A stack's plan, or why there is none. `notes` are shown with the stack (e.g. the image digest a
 * plan was made with).
 */
export type StackPlan =
  | { readonly stack: string; readonly plan: TerraformPlan; readonly notes?: readonly string[] }
  | { readonly stack: string; readonly error: string; readonly notes?: readonly string[] };

/** The change groups of the comment, in the order shown. */
export const CHANGE_KINDS = ["create", "update", "replace", "delete", "forget"] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** The change a resource's actions make, or undefined for no change ("no-op", "read"). */
export function changeKind(actions: readonly string[]): ChangeKind | undefined {
  const key = actions.join(",");
  switch (key) {
    case "no-op":
    case "read":
    case "":
      return undefined;
    case "create":
    case "update":
    case "delete":
    case "forget":
      return key;
    case "delete,create":
    case "create,delete":
      return "replace";
    default:
      // A combination this version does not know (a newer Terraform): shown as a change, with
      // its actions spelled out (see renderPlanMarkdown), rather than hidden.
      return "update";
  }
}

/** Thrown for a file that is not a plan this code can read; the message names the problem. */
export class PlanFormatError extends Error {
  override readonly name = "PlanFormatError";
}

/**
 * Checks that `json` (parsed `terraform show -json <planfile>` output) has the shape above and
 * returns it typed. Unknown extra fields are allowed (and ignored).
 */
export function parsePlan(json: unknown): TerraformPlan {
  if (!isObject(json)) throw new PlanFormatError("not a JSON object");
  const version = json["format_version"];
  if (typeof version !== "string") {
    throw new PlanFormatError("no format_version: not the output of terraform show -json");
  }
  if (!/^1\./.test(version)) {
    throw new PlanFormatError(`format_version ${version} is not supported (zonke reads 1.x)`);
  }
  if (!("resource_changes" in json) && !("planned_values" in json) && !("output_changes" in json)) {
    throw new PlanFormatError(
      "no resource_changes or planned_values: this is a state, not a plan " +
        "(run terraform show -json on a file written by terraform plan -out)",
    );
  }
  const changes = json["resource_changes"] ?? [];
  if (!Array.isArray(changes)) throw new PlanFormatError("resource_changes is not a list");
  changes.forEach((change: unknown, index) => checkResourceChange(change, index));
  const outputs = json["output_changes"] ?? {};
  if (!isObject(outputs)) throw new PlanFormatError("output_changes is not an object");
  for (const [name, change] of Object.entries(outputs)) {
    if (!isObject(change) || !isStringList(change["actions"])) {
      throw new PlanFormatError(`output_changes.${name} has no actions list`);
    }
  }
  if ("errored" in json && typeof json["errored"] !== "boolean") {
    throw new PlanFormatError("errored is not true or false");
  }
  return json as unknown as TerraformPlan;
}

function checkResourceChange(change: unknown, index: number): void {
  const where = `resource_changes[${index}]`;
  if (!isObject(change)) throw new PlanFormatError(`${where} is not an object`);
  for (const field of ["address", "type"] as const) {
    if (typeof change[field] !== "string" || change[field] === "") {
      throw new PlanFormatError(`${where} has no ${field}`);
    }
  }
  const inner = change["change"];
  if (!isObject(inner) || !isStringList(inner["actions"])) {
    throw new PlanFormatError(`${where} (${String(change["address"])}) has no change.actions list`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

import { describeError, errorName, MAX_FAILURE_MESSAGE, withOutput } from "./text";

/** CodePipeline's failure types that the migrator uses. */
export type FailureType = "JobFailed" | "ConfigurationError" | "PermissionError";

/** What a run found, to be reported to CodePipeline. */
export type Outcome =
  | {
      readonly result: "succeeded";
      readonly summary: string;
      readonly externalExecutionId?: string;
    }
  | {
      /** Still running: report success with this token so that CodePipeline calls again. */
      readonly result: "in-progress";
      readonly continuationToken: string;
      readonly summary: string;
      readonly externalExecutionId?: string;
    }
  | {
      readonly result: "failed";
      readonly failureType: FailureType;
      /** At most MAX_FAILURE_MESSAGE characters. */
      readonly message: string;
      readonly externalExecutionId?: string;
    };

/**
 * A failure whose message is `head` and the end of `output` (see withOutput). `output` with
 * `partial`: only the end of a longer output was read (an ECS task's log).
 */
export function failed(
  failureType: FailureType,
  head: string,
  output?: string | { readonly text: string; readonly partial: boolean },
  externalExecutionId?: string,
): Outcome {
  const { text, partial } = typeof output === "object" ? output : { text: output, partial: false };
  return {
    result: "failed",
    failureType,
    message: withOutput(head, text, MAX_FAILURE_MESSAGE, { partial }),
    ...(externalExecutionId ? { externalExecutionId } : {}),
  };
}

// Error names (SDK exceptions of Lambda and ECS) that mean the role lacks a permission, or that the
// parameters name something that does not exist or cannot run: retrying will not help.
const PERMISSION_ERRORS = new Set([
  "AccessDeniedException",
  "AccessDenied",
  "UnauthorizedOperation",
  "UnrecognizedClientException",
]);
const CONFIGURATION_ERRORS = new Set([
  "ResourceNotFoundException",
  "ClusterNotFoundException",
  "InvalidParameterException",
  "InvalidParameterValueException",
  "ClientException",
  "PlatformUnknownException",
  "PlatformTaskDefinitionIncompatibilityException",
  "UnsupportedFeatureException",
  "ParameterError",
]);

/** Whether an error means that trying again with the same parameters and role cannot succeed. */
export function isPermanentError(error: unknown): boolean {
  const name = errorName(error);
  return PERMISSION_ERRORS.has(name) || CONFIGURATION_ERRORS.has(name);
}

/** A failure for an error thrown while `doing` something, typed by the error's name. */
export function failureForError(doing: string, error: unknown, hint?: string): Outcome {
  const name = errorName(error);
  const type: FailureType = PERMISSION_ERRORS.has(name)
    ? "PermissionError"
    : CONFIGURATION_ERRORS.has(name)
      ? "ConfigurationError"
      : "JobFailed";
  return failed(type, `${doing} failed: ${describeError(error)}${hint ? `. ${hint}` : ""}`);
}

import type { Buildspec } from "./pipeline-props";

const BUILDSPEC_FILE = /^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9._/-]+\.ya?ml$/;

/**
 * What CodeBuild's `source.buildspec` gets: an object as JSON (YAML is a superset of JSON, so
 * CodeBuild reads it as written), a string as given.
 */
export function renderBuildspec(buildspec: Buildspec): string {
  return typeof buildspec === "string" ? buildspec : JSON.stringify(buildspec, null, 2);
}

/** Why `buildspec` would fail in CodeBuild, or undefined when it looks right. */
export function buildspecProblem(buildspec: Buildspec): string | undefined {
  if (typeof buildspec !== "string") {
    if (String(buildspec.version) !== "0.2") {
      return `buildspec version ${JSON.stringify(buildspec.version)} is not allowed; use 0.2`;
    }
    if (typeof buildspec.phases !== "object" || buildspec.phases === null) {
      return "a buildspec object needs `phases` (install, pre_build, build or post_build)";
    }
    return undefined;
  }
  if (!buildspec.includes("\n")) {
    return BUILDSPEC_FILE.test(buildspec.trim())
      ? undefined
      : `buildspec "${buildspec}" is neither inline YAML nor a .yml/.yaml path inside the repository`;
  }
  if (!/^version:\s*["']?0\.2["']?\s*$/m.test(buildspec)) {
    return "an inline buildspec needs a top-level `version: 0.2` line";
  }
  if (!/^phases:/m.test(buildspec)) {
    return "an inline buildspec needs a top-level `phases:` section";
  }
  return undefined;
}

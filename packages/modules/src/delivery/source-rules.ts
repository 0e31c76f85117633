/**
 * The rules a pipeline's source settings must follow, as functions that say why a value breaks
 * them (undefined when it does not). Git's ref-name rules, and CodePipeline's: trigger filters are
 * glob patterns, at most 8 of 1 to 255 characters.
 */

const MAX_FILTERS = 8;
const MAX_FILTER_LENGTH = 255;

/**
 * Why `branch` is not a branch name CodePipeline can watch exactly. Git refuses spaces, `~^:?*[\`,
 * `..`, `@{`, control characters and some starts and ends; CodePipeline also reads the trigger's
 * branch as a glob, so `{}!]` (legal in Git) would match other branches too.
 */
export function branchProblem(branch: string): string | undefined {
  const allowed =
    "a branch name as Git allows it (e.g. main or release/2024), without spaces, ~^:?*[]{}!\\, `..`, `@{`, and not starting with - or /";
  if (branch.length === 0 || branch.length > MAX_FILTER_LENGTH) {
    return `branch "${branch}" must be 1 to ${MAX_FILTER_LENGTH} characters; use ${allowed}`;
  }
  if (branch.startsWith("refs/")) {
    return `branch "${branch}" is a ref; name the branch only (e.g. "${branch.replace(/^refs\/heads\//, "")}")`;
  }
  const broken =
    // eslint-disable-next-line no-control-regex
    /[\x00-\x20\x7f~^:?*[\]\\{}!]/.test(branch) ||
    /\.\.|\/\/|@\{/.test(branch) ||
    /^[-/]|[/.]$|\.lock$/.test(branch) ||
    /(^|\/)\./.test(branch) ||
    branch === "@";
  return broken ? `branch "${branch}" is not allowed; use ${allowed}` : undefined;
}

/** Why `repository` is not a CodeStar `FullRepositoryId` (`owner/name`). */
export function repositoryProblem(repository: string): string | undefined {
  const parts = repository.split("/");
  const wellFormed =
    parts.length >= 2 &&
    parts.every((part) => /^[A-Za-z0-9_.-]+$/.test(part) && part !== "." && part !== "..");
  if (!wellFormed) {
    return `repository "${repository}" is not allowed; use owner/name (GitLab subgroups: group/subgroup/name), not a URL`;
  }
  if (repository.endsWith(".git")) {
    return `repository "${repository}" ends with .git; use owner/name without it`;
  }
  return undefined;
}

/** Why `patterns` (the trigger's `field`) would be refused or never match. */
export function filePathsProblem(field: string, patterns: readonly string[]): string | undefined {
  if (patterns.length === 0 || patterns.length > MAX_FILTERS) {
    return `${field} has ${patterns.length} patterns; CodePipeline allows 1 to ${MAX_FILTERS} (leave it out for none)`;
  }
  for (const pattern of patterns) {
    const problem = filePathProblem(pattern);
    if (problem) return `${field}: ${problem}`;
  }
  const duplicate = patterns.find((pattern, index) => patterns.indexOf(pattern) !== index);
  return duplicate === undefined ? undefined : `${field} lists "${duplicate}" twice`;
}

function filePathProblem(pattern: string): string | undefined {
  const allowed = "a glob relative to the repository root, e.g. apps/web/** or *.json";
  if (pattern.length === 0 || pattern.length > MAX_FILTER_LENGTH) {
    return `the pattern "${pattern}" must be 1 to ${MAX_FILTER_LENGTH} characters; use ${allowed}`;
  }
  if (pattern.trim() !== pattern) {
    return `the pattern "${pattern}" has leading or trailing spaces; use ${allowed}`;
  }
  // Paths in a push are relative to the root, with forward slashes and no dot segments: a
  // pattern starting with / or ./, or holding .. or \, would never match anything.
  if (/^\.?\//.test(pattern) || /(^|\/)\.\.(\/|$)/.test(pattern) || pattern.includes("\\")) {
    return `the pattern "${pattern}" can never match a changed file; use ${allowed}`;
  }
  return undefined;
}

/** Why `arn` is not the ARN of a CodeStar (or CodeConnections) connection. */
export function connectionArnProblem(arn: string): string | undefined {
  const pattern =
    /^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[A-Za-z0-9-]+$/;
  return pattern.test(arn)
    ? undefined
    : `connectionArn "${arn}" is not a connection ARN; use arn:aws:codestar-connections:<region>:<account>:connection/<id> (or codeconnections)`;
}

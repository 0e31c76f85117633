import { ValidationError } from "../core/errors";
import { NAME_RULES, type NameKind } from "./limits";

/**
 * Why `name` is not a valid name for a resource of this kind, or undefined when it is. The message
 * names the resource kind, the name, and the limit it breaks.
 */
export function nameProblem(kind: NameKind, name: string): string | undefined {
  const rule = NAME_RULES[kind];
  if (name.length > rule.maxLength) {
    return `the ${rule.label} name "${name}" is ${name.length} characters; AWS allows at most ${rule.maxLength}`;
  }
  if (!rule.pattern.test(name)) {
    return `the ${rule.label} name "${name}" is not allowed; AWS allows ${rule.allowed}`;
  }
  return undefined;
}

/**
 * The physical name of a resource: the parts joined by hyphens, e.g. `physicalName("lambdaFunction",
 * ["shop", "prod", "web", "server"])` is `shop-prod-web-server`. Throws a ValidationError that names
 * the resource kind and the AWS limit when the name does not fit, rather than truncating: a
 * truncated name is a surprise in the console and a collision waiting to happen.
 */
export function physicalName(kind: NameKind, parts: readonly string[]): string {
  const name = parts.filter((part) => part.length > 0).join("-");
  const problem = nameProblem(kind, name);
  if (problem) {
    throw new ValidationError(`${problem}. Shorten the project, environment or app name.`);
  }
  return name;
}

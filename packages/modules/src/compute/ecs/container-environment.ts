import { Token } from "cdktf";
import { ValidationError } from "../../core/errors";

export interface ContainerEnvironmentInput {
  /** The plain settings the user gave. */
  readonly environment: Readonly<Record<string, string>>;
  /** The variables set from secrets (`secrets[].name`). */
  readonly secretNames: readonly string[];
  /** What zonke sets itself (PORT, ZONKE_SECRET_ARNS): the user's settings may not. */
  readonly platform: Readonly<Record<string, string>>;
  /** Keys that look like secrets but are not (the user said so by name). */
  readonly allowSecretLikeKeys: readonly string[];
}

// Names whose values are usually secrets: these belong in Secrets Manager, where the value never
// reaches Terraform state, the task definition or the console.
const SECRET_LIKE =
  /(^|_)(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIALS?|API_?KEY|PRIVATE_KEY|ACCESS_KEY)(_|$)/i;
// `scheme://user:password@host`: a URL with a password in it.
const URL_WITH_PASSWORD = /:\/\/[^/\s:@]+:[^/\s@]+@/;

/**
 * The container's plain environment: the user's settings plus zonke's own. Refuses what would
 * leak or clash: a key set by a secret too, a key or value that looks like a secret, and the
 * names ECS, AWS and zonke set.
 */
export function containerEnvironment(
  where: string,
  input: ContainerEnvironmentInput,
): Record<string, string> {
  const secretNames = new Set(input.secretNames);
  const allowed = new Set(input.allowSecretLikeKeys);
  for (const name of input.secretNames) {
    const problem = reservedProblem(name) ?? platformProblem(name, input.platform);
    if (problem) throw new ValidationError(`${where}: secret variable ${problem}`);
  }
  for (const [name, value] of Object.entries(input.environment)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new ValidationError(
        `${where}: environment variable name "${name}" is not allowed; use letters, digits and _, not starting with a digit`,
      );
    }
    const problem = reservedProblem(name) ?? platformProblem(name, input.platform);
    if (problem) throw new ValidationError(`${where}: environment variable ${problem}`);
    if (secretNames.has(name)) {
      throw new ValidationError(
        `${where}: environment variable ${name} is also set from a secret; set it in one place only (a secret, if it is one)`,
      );
    }
    if (SECRET_LIKE.test(name) && !allowed.has(name)) {
      throw new ValidationError(
        `${where}: environment variable ${name} looks like a secret; put it in a Secrets Manager secret and pass it in \`secrets\` (plain environment values sit in Terraform state and the task definition), or list it in allowSecretLikeEnvironmentKeys if it is not a secret`,
      );
    }
    if (!Token.isUnresolved(value) && URL_WITH_PASSWORD.test(value)) {
      throw new ValidationError(
        `${where}: environment variable ${name} holds a URL with a password; pass the password in \`secrets\` and build the URL in the app`,
      );
    }
  }
  return { ...input.environment, ...input.platform };
}

function platformProblem(
  name: string,
  platform: Readonly<Record<string, string>>,
): string | undefined {
  if (!(name in platform)) return undefined;
  if (name === "PORT") {
    return "PORT is not allowed: it is set from containerPort, so the app listens where the load balancer sends traffic";
  }
  return `${name} is not allowed: zonke sets it`;
}

function reservedProblem(name: string): string | undefined {
  if (/^(AWS|ECS)_/.test(name)) {
    return `${name} is not allowed: AWS_* and ECS_* are set by ECS and the AWS SDKs read them`;
  }
  return undefined;
}

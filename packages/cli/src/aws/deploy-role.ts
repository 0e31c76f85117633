/**
 * The deploy role: in the pipeline, Terraform and zonke's own AWS calls (assets, release) run as
 * the environment's deploy role (`DeployRole` in @zonke/modules), named by `ZONKE_DEPLOY_ROLE_ARN`
 * and assumed with the credentials the process has (a CodeBuild stage's role). Without the
 * variable nothing is assumed: the credentials in use (a profile, SSO, environment variables) act
 * as they are, which is what a developer running `zonke deploy` on a laptop wants.
 *
 * Sessions last an hour (STS's default, and the most AWS allows when one role assumes another, as
 * a CodeBuild stage does). The SDK helper re-assumes the role shortly before a session expires;
 * Terraform gets the session's keys as environment variables, so one Terraform run must finish
 * within the hour.
 *
 * Exported names are used by every command that deploys (`zonke plan`, `build`, `deploy`,
 * `assets upload`, `release`): keep them stable.
 */
import { randomBytes } from "node:crypto";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { UsageError } from "../errors";
import { awsStep } from "./errors";
import type { Credentials } from "./session";

/** The environment variable naming the role to assume. */
export const DEPLOY_ROLE_VARIABLE = "ZONKE_DEPLOY_ROLE_ARN";

/** `arn:<partition>:iam::<account>:role/<path/name>` */
const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;

/** Variables that would make Terraform (or the SDK) pick other credentials than the role's. */
const OTHER_CREDENTIALS = ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN"];

/** A session of the deploy role. */
export interface DeployRoleCredentials extends Credentials {
  readonly sessionToken: string;
  readonly expiration: Date;
}

/** An SDK `credentials` option: a provider the SDK calls again when the session nears its end. */
export type CredentialsProvider = () => Promise<DeployRoleCredentials>;

/**
 * `ZONKE_DEPLOY_ROLE_ARN` from `base`, checked; undefined when unset or empty. Throws a UsageError
 * when it is not a role ARN.
 */
export function deployRoleArn(base: NodeJS.ProcessEnv): string | undefined {
  const value = base[DEPLOY_ROLE_VARIABLE]?.trim();
  if (!value) return undefined;
  if (!ROLE_ARN.test(value)) {
    throw new UsageError(
      `${DEPLOY_ROLE_VARIABLE} is not an IAM role ARN (got "${value}"); use arn:aws:iam::<account>:role/<name>, or unset it to use the credentials in use`,
    );
  }
  return value;
}

/** The account of a role ARN checked by `deployRoleArn`. */
export function roleAccount(roleArn: string): string {
  return ROLE_ARN.exec(roleArn)?.[1] ?? "";
}

/** A session name unique to this run: `zonke-<time in base 36>-<8 hex digits>`. */
export function newSessionName(): string {
  return `zonke-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}

/**
 * The environment Terraform runs with: `base` plus the deploy role's session as
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (AWS_PROFILE removed, so that
 * nothing else wins) when `ZONKE_DEPLOY_ROLE_ARN` is set; otherwise `base` unchanged (the same
 * object).
 */
export async function terraformEnvironment(
  base: NodeJS.ProcessEnv,
  region: string,
): Promise<NodeJS.ProcessEnv> {
  const roleArn = deployRoleArn(base);
  if (roleArn === undefined) return base;
  const session = await deployRoleSession(base, region, roleArn);
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of OTHER_CREDENTIALS) delete env[name];
  return {
    ...env,
    AWS_ACCESS_KEY_ID: session.accessKeyId,
    AWS_SECRET_ACCESS_KEY: session.secretAccessKey,
    AWS_SESSION_TOKEN: session.sessionToken,
  };
}

/**
 * The `credentials` option for SDK clients that should act as the deploy role: a provider of its
 * session when `ZONKE_DEPLOY_ROLE_ARN` is set, or undefined (the SDK's default chain). E.g.
 * `new LambdaClient({ region, ...credentialsOption(deployRoleCredentials(env, region)) })`.
 */
export function deployRoleCredentials(
  base: NodeJS.ProcessEnv,
  region: string,
): CredentialsProvider | undefined {
  const roleArn = deployRoleArn(base);
  if (roleArn === undefined) return undefined;
  return () => deployRoleSession(base, region, roleArn);
}

/** `{ credentials }` when there is a provider, else nothing: spread into a client's options. */
export function credentialsOption(provider: CredentialsProvider | undefined): {
  credentials?: CredentialsProvider;
} {
  return provider ? { credentials: provider } : {};
}

/** Sessions by role and region: one AssumeRole per process while a session has time left. */
const sessions = new Map<string, Promise<DeployRoleCredentials>>();
/** A session is renewed when it has less than this left. */
const RENEW_BEFORE_MS = 5 * 60_000;

async function deployRoleSession(
  base: NodeJS.ProcessEnv,
  region: string,
  roleArn: string,
): Promise<DeployRoleCredentials> {
  const key = `${roleArn} ${region}`;
  const cached = sessions.get(key);
  if (cached) {
    const session = await cached.catch(() => undefined);
    if (session && session.expiration.getTime() - Date.now() > RENEW_BEFORE_MS) return session;
  }
  const assumed = assumeRole(base, region, roleArn);
  sessions.set(key, assumed);
  assumed.catch(() => sessions.delete(key));
  return assumed;
}

async function assumeRole(
  base: NodeJS.ProcessEnv,
  region: string,
  roleArn: string,
): Promise<DeployRoleCredentials> {
  // The caller's own credentials: the keys in `base` when it has them, else the default chain.
  const accessKeyId = base["AWS_ACCESS_KEY_ID"];
  const secretAccessKey = base["AWS_SECRET_ACCESS_KEY"];
  const sts = new STSClient({
    region,
    maxAttempts: 3,
    ...(accessKeyId && secretAccessKey
      ? {
          credentials: {
            accessKeyId,
            secretAccessKey,
            ...(base["AWS_SESSION_TOKEN"] ? { sessionToken: base["AWS_SESSION_TOKEN"] } : {}),
          },
        }
      : {}),
  });
  try {
    return await awsStep(
      { action: "sts:AssumeRole", resource: `role ${roleArn}`, region },
      async () => {
        const answer = await sts.send(
          new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: newSessionName() }),
        );
        const c = answer.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
          throw new Error("sts:AssumeRole answered without credentials");
        }
        return {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
          expiration: c.Expiration ?? new Date(Date.now() + 3600_000),
        };
      },
    );
  } finally {
    sts.destroy();
  }
}

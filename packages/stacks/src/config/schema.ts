import { z } from "zod";
import { NAT_MODES, vpcCidrProblem } from "@zonke/modules";
import { AWS_REGIONS } from "./regions";
import { APP_KINDS } from "./kinds";
import { ARCHITECTURE_NAMES } from "../architectures/registry";
import { crossCheck } from "./cross-checks";
import { ecsSchema } from "./ecs";
import { deliverySchema, environmentDeliverySchema, watchPathsSchema } from "./delivery";

// Every field says what it allows: the message is shown next to the field path and the bad value.
const projectName = z.string().regex(/^[a-z][a-z0-9-]{0,18}[a-z0-9]$/, {
  error: "must be 2-20 lowercase letters, digits or hyphens, starting with a letter",
});
const environmentName = z.string().regex(/^[a-z][a-z0-9]{0,9}$/, {
  error: "must be 1-10 lowercase letters or digits, starting with a letter",
});
const appName = z.string().regex(/^[a-z][a-z0-9-]{0,18}[a-z0-9]$/, {
  error: "must be 2-20 lowercase letters, digits or hyphens, starting with a letter",
});
const region = z.enum(AWS_REGIONS, {
  error: `must be an AWS region zonke supports: ${AWS_REGIONS.join(", ")}`,
});
const bucketName = z.string().regex(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, {
  error: "must be a valid S3 bucket name: 3-63 lowercase letters, digits or hyphens",
});
const branchName = z
  .string()
  .min(1, { error: "must not be empty" })
  .max(255, { error: "must be at most 255 characters" })
  .refine((name) => !/[\s~^:?*[\\]|\.\.|^\/|\/$|\.lock$|@\{/.test(name), {
    error: "is not a valid git branch name",
  });
/** Secret key names are environment variable names; `zonke secrets` checks keys with this rule too. */
export const SECRET_KEY_PATTERN = /^[A-Z_][A-Z0-9_]{0,127}$/;
export const SECRET_KEY_RULE =
  "must be an environment variable name: uppercase letters, digits and _, not starting with a digit";
/**
 * Variables the platform sets on the servers itself, which an app's secret must not shadow (a key
 * of the secret becomes a variable of the same name), with the reason shown to the user. The config
 * (`apps[].secrets`) and `zonke secrets` both refuse them, through `reservedSecretKey`.
 */
export const RESERVED_SECRET_KEY_PREFIXES: Readonly<Record<string, string>> = {
  AWS_: "AWS sets AWS_* variables itself (the Lambda runtime, and the AWS SDK's settings)",
  ZONKE_: "zonke's runtime sets ZONKE_* variables on the servers",
  DB_: "DB_* variables hold the database's address and credentials (from the RDS-managed secret)",
};
export const RESERVED_SECRET_KEYS: Readonly<Record<string, string>> = {
  NODE_ENV: "zonke sets NODE_ENV on the servers",
};
/**
 * Why `key` cannot be an app secret's key because the platform sets that variable itself
 * (`is reserved: ...`), or undefined when it is not reserved.
 */
export function reservedSecretKey(key: string): string | undefined {
  const prefix = Object.keys(RESERVED_SECRET_KEY_PREFIXES).find((p) => key.startsWith(p));
  const why =
    prefix !== undefined
      ? RESERVED_SECRET_KEY_PREFIXES[prefix]
      : Object.hasOwn(RESERVED_SECRET_KEYS, key)
        ? RESERVED_SECRET_KEYS[key]
        : undefined;
  return why === undefined ? undefined : `is reserved: ${why}; choose another name`;
}

const secretKey = z
  .string()
  .regex(SECRET_KEY_PATTERN, { error: SECRET_KEY_RULE })
  .superRefine((key, ctx) => {
    if (!SECRET_KEY_PATTERN.test(key)) return; // one problem per key: the name rule's
    const reserved = reservedSecretKey(key);
    if (reserved) ctx.addIssue({ code: "custom", message: reserved, input: key });
  });
const int = (min: number, max: number) =>
  z
    .number({ error: `must be a whole number from ${min} to ${max}` })
    .int({ error: `must be a whole number from ${min} to ${max}` })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

export const DEFAULT_LOCAL_STATE_DIR = ".zonke/state";

const localState = z.strictObject({
  backend: z.literal("local"),
  /** Folder for `<stack>.tfstate` files, relative to the config file. */
  directory: z.string().min(1).default(DEFAULT_LOCAL_STATE_DIR),
});
const s3State = z.strictObject({
  backend: z.literal("s3"),
  bucket: bucketName,
  /** @default - the environment's region */
  region: region.optional(),
  keyPrefix: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, { error: "must be a path like team/project" })
    .optional(),
  roleArn: z
    .string()
    .regex(/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/, { error: "must be an IAM role ARN" })
    .optional(),
});
const stateBackend = z.discriminatedUnion("backend", [localState, s3State], {
  error: 'must be { backend: "local" } or { backend: "s3", bucket: "..." }',
});

const environment = z.strictObject({
  /** The AWS account this environment deploys to; Terraform refuses any other. */
  account: z.string().regex(/^\d{12}$/, { error: "must be a 12-digit AWS account id" }),
  region,
  /** 2 or 3 zones, e.g. ["eu-west-1a", "eu-west-1b"]: named so subnets never move. */
  availabilityZones: z
    .array(z.string(), {
      error: 'must list 2 or 3 zones of the region, e.g. ["eu-west-1a", "eu-west-1b"]',
    })
    .min(2, { error: "must list 2 or 3 zones" })
    .max(3, { error: "must list 2 or 3 zones" }),
  cidr: z
    .string()
    .default("10.0.0.0/16")
    .superRefine((cidr, ctx) => {
      const problem = vpcCidrProblem(cidr);
      if (problem) ctx.addIssue({ code: "custom", message: problem, input: cidr });
    }),
  nat: z
    .enum(NAT_MODES as ["per-az", "single", "none"], {
      error: `must be one of ${NAT_MODES.join(", ")}`,
    })
    .default("per-az"),
  /** @default - the top-level `state` */
  state: stateBackend.optional(),
  /**
   * Production safety for this environment's data: databases get deletion protection, a final
   * snapshot, Multi-AZ and 14 days of backups.
   */
  production: z.boolean({ error: "must be true or false" }).default(false),
  /** The pipelines of this environment. */
  delivery: environmentDeliverySchema.prefault({}),
});

const database = z.strictObject({
  engineVersion: z.enum(["16", "17"], { error: "must be PostgreSQL 16 or 17" }).default("17"),
  instanceClass: z
    .string()
    .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, {
      error: "must be an RDS instance class like db.t4g.micro",
    })
    .default("db.t4g.micro"),
  allocatedStorageGiB: int(20, 65536).default(20),
  /**
   * An RDS Proxy between the servers and the database.
   * @default - on for apps whose servers run on Lambda (their instances come and go quickly)
   */
  proxy: z.boolean({ error: "must be true or false" }).optional(),
});

const app = z.strictObject({
  name: appName,
  kind: z.enum(APP_KINDS, { error: `must be one of ${APP_KINDS.join(", ")}` }),
  /** Folder of the app, relative to the config file. */
  path: z
    .string()
    .min(1, { error: "must not be empty" })
    .refine((p) => !p.startsWith("/") && !p.split(/[\\/]/).includes(".."), {
      error: "must be a relative path inside the repository (no leading / and no ..)",
    }),
  architecture: z.enum(ARCHITECTURE_NAMES, {
    error: `must be a zonke architecture: ${ARCHITECTURE_NAMES.join(", ")}`,
  }),
  /** Git branch that deploys to each environment, e.g. { dev: "main", prod: "release" }. */
  branches: z.record(z.string(), branchName),
  /** For a Next.js app: the name of the Django app whose API it calls. */
  api: appName.optional(),
  /** Server instances the warmer keeps warm (0 turns the warmer off). */
  warm: int(0, 50).default(1),
  ecs: ecsSchema.prefault({}),
  /** For a Django app: its PostgreSQL database. */
  database: database.optional(),
  /**
   * Names of the app's secrets, exposed to its servers as environment variables; not the names the
   * platform sets (AWS_*, ZONKE_*, DB_*, NODE_ENV: `reservedSecretKey`).
   */
  secrets: z.array(secretKey).default([]),
  /**
   * Where the load balancer and the container check an app served on ECS, and where `zonke
   * release` probes a new Lambda version before keeping it live; it must answer 200 to any Host
   * (the task's address). @default - /healthz for django apps, / for nextjs apps
   */
  healthCheckPath: z
    .string()
    .regex(/^\/[A-Za-z0-9\-._~/]*$/, { error: "must be a path like /healthz" })
    .optional(),
  /** Paths besides the app's own that start its pipeline, e.g. a shared library outside packages/. */
  watchPaths: watchPathsSchema.default([]),
});

export const configSchema = z
  .strictObject({
    project: projectName,
    state: stateBackend.prefault({ backend: "local" }),
    environments: z
      .record(environmentName, environment)
      .refine((envs) => Object.keys(envs).length > 0, {
        error: "must define at least one environment",
      }),
    apps: z.array(app).min(1, { error: "must list at least one app" }),
    /**
     * One CodePipeline per app and environment, started by a push to the app's branch.
     * @default - no pipelines
     */
    delivery: deliverySchema.optional(),
  })
  .superRefine(crossCheck);

/** What a user writes in zonke.config.ts. */
export type ZonkeConfigInput = z.input<typeof configSchema>;
/** The validated config with every default filled in. */
export type ZonkeConfig = z.output<typeof configSchema>;
export type EnvironmentConfig = ZonkeConfig["environments"][string];
export type AppConfig = ZonkeConfig["apps"][number];
export type StateConfig = z.output<typeof stateBackend>;

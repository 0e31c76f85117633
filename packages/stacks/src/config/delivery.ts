import { z } from "zod";

// The delivery pipeline's settings: where the code lives (one repository for every app), and per
// environment whether a person approves before the plan is applied.

const CONNECTION_ARN =
  /^arn:aws:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/;
const ROLE_ARN = /^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/** A new CodeStar connection (a one-time handshake in the console), or one shared by ARN. */
const connection = z.union(
  [
    z.strictObject({ provider: z.enum(["GitHub", "GitLab", "Bitbucket"]) }),
    z.strictObject({ arn: z.string().regex(CONNECTION_ARN) }),
  ],
  {
    error:
      'must be { provider: "GitHub" | "GitLab" | "Bitbucket" } (a new connection) or { arn: "arn:aws:codeconnections:<region>:<account>:connection/<id>" }',
  },
);

export const deliverySchema = z.strictObject({
  /** `owner/name` of the repository every app builds from (GitLab subgroups: `group/sub/name`). */
  repository: z.string().regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){1,4}$/, {
    error: "must be owner/name, e.g. acme/shop",
  }),
  connection,
});

/** Per environment. */
export const environmentDeliverySchema = z.strictObject({
  /**
   * A person approves each plan before it is applied.
   * @default - on for production environments
   */
  approval: z.boolean({ error: "must be true or false" }).optional(),
  /**
   * The role Terraform runs as in the pipeline; its trust policy must allow the pipeline's stage
   * roles (`zonke pipeline deploy` prints them).
   * @default - the pipeline stack makes one: PowerUserAccess, and IAM only for the project's and
   * environment's own roles
   */
  deployRoleArn: z.string().regex(ROLE_ARN, { error: "must be an IAM role ARN" }).optional(),
});

/**
 * Extra file paths that start an app's pipeline (at most 4, globs relative to the repository
 * root); the app's own folder, packages/**, the config and the lockfile always do.
 */
export const watchPathsSchema = z
  .array(
    z.string().refine((glob) => glob.length > 0 && !glob.startsWith("/") && !glob.includes(".."), {
      error: "must be a glob relative to the repository root, e.g. libs/ui/**",
    }),
  )
  .max(4, { error: "must list at most 4 paths (CodePipeline allows 8 filters per trigger)" });

export type DeliveryConfig = z.output<typeof deliverySchema>;
export type EnvironmentDeliveryConfig = z.output<typeof environmentDeliverySchema>;

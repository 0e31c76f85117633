import type { NameKind } from "@zonke/modules";

/**
 * The longest physical names an app's stacks create, as `<project>-<env>-<app>-<suffix>`. Config
 * validation checks them against AWS limits up front, so a long name fails before synth with the
 * field to shorten instead of deep inside a composer. Composers that add a longer name add it here.
 */
export const PLANNED_APP_NAMES: readonly { kind: NameKind; suffix: string }[] = [
  { kind: "lambdaFunction", suffix: "image-optimizer" },
  { kind: "iamRole", suffix: "image-optimizer" },
  { kind: "rdsInstance", suffix: "db" },
  { kind: "codePipeline", suffix: "pipeline" },
  { kind: "eventBridgeRule", suffix: "warmer" },
  { kind: "cloudFrontFunction", suffix: "viewer-request" },
  // Assets buckets carry the account id to be globally unique.
  { kind: "s3Bucket", suffix: "assets-123456789012" },
];

/** The names an app's pipeline stack adds (with `delivery`). */
export const PLANNED_PIPELINE_NAMES: readonly { kind: NameKind; suffix: string }[] = [
  // Its artifact bucket, which carries the account id too.
  { kind: "s3Bucket", suffix: "artifacts-123456789012" },
  { kind: "iamRole", suffix: "pipeline" },
];

export function plannedAppNames(project: string, env: string, app: string, delivery = false) {
  const planned = delivery ? [...PLANNED_APP_NAMES, ...PLANNED_PIPELINE_NAMES] : PLANNED_APP_NAMES;
  return planned.map(({ kind, suffix }) => ({
    kind,
    name: [project, env, app, suffix].join("-"),
  }));
}

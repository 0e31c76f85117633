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

export function plannedAppNames(project: string, env: string, app: string) {
  return PLANNED_APP_NAMES.map(({ kind, suffix }) => ({
    kind,
    name: [project, env, app, suffix].join("-"),
  }));
}

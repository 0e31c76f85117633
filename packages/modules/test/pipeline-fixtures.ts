import type { Construct } from "constructs";
import { Pipeline, type PipelineProps } from "../src";
import { ofType, synth, type Synthesized } from "./helpers";

export type Json = Record<string, any>;

export const ACCOUNT = "111111111111";
export const REPOSITORY_ARN = `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/shop/prod/web`;
export const DEPLOY_ROLE = `arn:aws:iam::${ACCOUNT}:role/shop-prod-terraform`;
export const STATE_KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/state`;
export const CONNECTION_ARN = `arn:aws:codestar-connections:eu-west-1:${ACCOUNT}:connection/0123abcd-4567-89ef-0123-456789abcdef`;
export const MIGRATE_PARAMETERS = {
  kind: "lambda",
  functionName: "shop-prod-web",
  qualifier: "#{DeployVariables.MANAGE_VERSION}",
};

/** What a composer gives: every required prop, a migrator, no optional extras. */
export function pipelineProps(overrides: Partial<PipelineProps> = {}): PipelineProps {
  return {
    name: "shop-prod-web",
    region: "eu-west-1",
    accountId: ACCOUNT,
    source: {
      connection: { kind: "create", providerType: "GitHub" },
      repository: "acme/shop",
      branch: "main",
    },
    build: {
      buildspec: { version: 0.2, phases: { build: { commands: ["npm ci", "npm run build"] } } },
    },
    plan: { buildspec: "version: 0.2\nphases:\n  build:\n    commands:\n      - npx zonke plan\n" },
    deploy: { buildspec: "deploy/buildspec.yml" },
    release: { buildspec: "release/buildspec.yml" },
    migration: { functionName: "shop-prod-web-migrator", userParameters: MIGRATE_PARAMETERS },
    deployRoleArn: DEPLOY_ROLE,
    terraformState: { kind: "s3", bucket: "shop-tfstate", region: "eu-west-1" },
    ...overrides,
  };
}

/** A stack with one Pipeline, synthesised; `extra` may add what the test needs around it. */
export function pipelineStack(
  overrides: Partial<PipelineProps> = {},
  extra?: (scope: Construct, pipeline: Pipeline) => void,
): Synthesized {
  return synth((stack) => {
    const pipeline = new Pipeline(stack, "Pipeline", pipelineProps(overrides));
    extra?.(stack, pipeline);
  });
}

export function onlyPipeline(json: Synthesized): Json {
  const pipelines = ofType(json, "aws_codepipeline");
  expect(pipelines).toHaveLength(1);
  return pipelines[0]![1] as Json;
}

export const stageNames = (json: Synthesized): string[] =>
  (onlyPipeline(json).stage as Json[]).map((stage) => stage.name as string);

/** The only action of the stage named `name`. */
export function stageAction(json: Synthesized, name: string): Json {
  const stage = (onlyPipeline(json).stage as Json[]).find((s) => s.name === name);
  if (!stage) throw new Error(`no stage ${name}`);
  expect(stage.action).toHaveLength(1);
  return stage.action[0] as Json;
}

/** The CodeBuild project named `name`, with its logical id. */
export function project(json: Synthesized, name: string): [string, Json] {
  const found = ofType(json, "aws_codebuild_project").find(([, p]) => p.name === name);
  if (!found) throw new Error(`no project ${name}`);
  return found as [string, Json];
}

/** Every statement of every role's inline policy, with the role's name. */
export function allRoleStatements(json: Synthesized): { role: string; statement: Json }[] {
  const documents = json.data!.aws_iam_policy_document!;
  return ofType(json, "aws_iam_role_policy").flatMap(([, policy]) => {
    const role = ofType(json, "aws_iam_role").find(
      ([name]) => policy.role === `\${aws_iam_role.${name}.id}`,
    )![1].name as string;
    const document = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(
      policy.policy as string,
    )![1]!;
    return ((documents[document]!.statement as Json[]) ?? []).map((statement) => ({
      role,
      statement,
    }));
  });
}

/** The statements of `roleName`, by sid. */
export function statementsBySid(json: Synthesized, roleName: string): Record<string, Json> {
  return Object.fromEntries(
    allRoleStatements(json)
      .filter(({ role }) => role === roleName)
      .map(({ statement }) => [statement.sid as string, statement]),
  );
}

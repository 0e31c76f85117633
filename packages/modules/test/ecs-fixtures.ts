import type { Construct } from "constructs";
import {
  EcsCluster,
  EcsService,
  type EcsClusterProps,
  type EcsServiceProps,
  type Ec2CapacityOptions,
} from "../src";
import { ofType, synth, type Synthesized } from "./helpers";

export type Json = Record<string, any>;

export const ACCOUNT = "111111111111";
export const REPOSITORY_ARN = `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/shop/prod/api`;
export const IMAGE = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/shop/prod/api@sha256:${"a".repeat(64)}`;
export const APP_SECRET = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:shop/prod/api-AbCdEf`;
export const DB_SECRET = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:rds!db-1234-XyZ`;
export const TARGET_GROUP_ARN = `arn:aws:elasticloadbalancing:eu-west-1:${ACCOUNT}:targetgroup/shop-prod-api/0123456789abcdef`;
export const RESOURCE_LABEL =
  "app/shop-prod-internal/50dc6c495c0c9188/targetgroup/shop-prod-api/0123456789abcdef";

export const network = {
  region: "eu-west-1",
  accountId: ACCOUNT,
  vpcId: "vpc-1",
  subnetIds: ["subnet-a", "subnet-b"],
};

export const ec2Capacity: Ec2CapacityOptions = {
  kind: "ec2",
  network: { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"] },
};

/** Props for a service in `cluster`, as a composer would give them, changed by `overrides`. */
export function serviceProps(
  cluster: EcsServiceProps["cluster"],
  overrides: Partial<EcsServiceProps> = {},
): EcsServiceProps {
  return {
    serviceName: "shop-prod-api",
    cluster,
    network,
    imageUri: IMAGE,
    imageRepositoryArn: REPOSITORY_ARN,
    loadBalancer: { targetGroupArn: TARGET_GROUP_ARN, resourceLabel: RESOURCE_LABEL },
    ingressSecurityGroupIds: ["sg-alb"],
    environment: { DJANGO_ALLOWED_HOSTS: "api.shop.example", WEB_CONCURRENCY: "3" },
    secrets: [
      { arn: APP_SECRET, keys: ["DJANGO_SECRET_KEY"] },
      { arn: DB_SECRET, keys: ["username", "password"], prefix: "DB_" },
    ],
    scaling: {
      minTasks: 2,
      maxTasks: 6,
      cpuTargetPercent: 55,
      requestsPerTaskPerMinute: 800,
      scaleInCooldownSec: 240,
      scaleOutCooldownSec: 45,
    },
    ...overrides,
  };
}

/** A stack with a cluster and, unless `withService` is false, one service in it. */
export function ecsStack(
  clusterProps: Partial<EcsClusterProps> = {},
  overrides: Partial<EcsServiceProps> = {},
  extra?: (scope: Construct, service: EcsService) => void,
): Synthesized {
  return synth((stack) => {
    const cluster = new EcsCluster(stack, "Cluster", {
      clusterName: "shop-prod",
      capacity: { kind: "fargate" },
      ...clusterProps,
    });
    const service = new EcsService(stack, "Api", serviceProps(cluster, overrides));
    extra?.(stack, service);
  });
}

export function only(json: Synthesized, type: string): [string, Json] {
  const all = ofType(json, type);
  expect(all).toHaveLength(1);
  return all[0] as [string, Json];
}

/** The container definitions of the only task definition, parsed. */
export function containers(json: Synthesized): Json[] {
  const [, taskDefinition] = only(json, "aws_ecs_task_definition");
  return JSON.parse(taskDefinition.container_definitions as string) as Json[];
}

/** The statements of the inline policy of the role named `roleName` (none: []). */
export function roleStatements(json: Synthesized, roleName: string): Json[] {
  const role = ofType(json, "aws_iam_role").find(([, r]) => r.name === roleName);
  if (!role) throw new Error(`no role named ${roleName}`);
  const policies = ofType(json, "aws_iam_role_policy").filter(
    ([, p]) => p.role === `\${aws_iam_role.${role[0]}.id}`,
  );
  return policies.flatMap(([, policy]) => {
    const document = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(
      policy.policy as string,
    );
    if (!document) throw new Error(`policy of ${roleName} is not a policy document`);
    return (json.data!.aws_iam_policy_document![document[1]!]!.statement as Json[]) ?? [];
  });
}

/** The trust policy statements of the role named `roleName`. */
export function trustStatements(json: Synthesized, roleName: string): Json[] {
  const role = ofType(json, "aws_iam_role").find(([, r]) => r.name === roleName);
  if (!role) throw new Error(`no role named ${roleName}`);
  const document = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(
    role[1].assume_role_policy as string,
  );
  return json.data!.aws_iam_policy_document![document![1]!]!.statement as Json[];
}

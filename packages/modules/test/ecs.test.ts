import { Buffer } from "node:buffer";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TerraformOutput } from "cdktf";
import { Migrator, type EcsService } from "../src";
import { ofType, type Synthesized } from "./helpers";
import {
  APP_SECRET,
  DB_SECRET,
  REPOSITORY_ARN,
  RESOURCE_LABEL,
  TARGET_GROUP_ARN,
  containers,
  ec2Capacity,
  ecsStack,
  network,
  only,
  roleStatements,
  trustStatements,
  type Json,
} from "./ecs-fixtures";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zonke-ecs-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const migratorZip = path.join(dir, "migrator.zip");
fs.writeFileSync(migratorZip, "migrator");

describe("EcsService on Fargate", () => {
  const json = ecsStack();
  const [serviceName, service] = only(json, "aws_ecs_service");
  const [, taskDefinition] = only(json, "aws_ecs_task_definition");
  const [web] = containers(json) as [Json];

  it("runs in private subnets with no public IP, in its own security group", () => {
    const [groupName] = only(json, "aws_security_group");
    expect(service.network_configuration).toEqual({
      subnets: ["subnet-a", "subnet-b"],
      security_groups: [`\${aws_security_group.${groupName}.id}`],
      assign_public_ip: false,
    });
    expect(taskDefinition.network_mode).toBe("awsvpc");
  });

  it("admits only the load balancer's group, on the container port; lets everything out", () => {
    const [, group] = only(json, "aws_security_group");
    expect(group.ingress).toEqual([
      expect.objectContaining({
        protocol: "tcp",
        from_port: 8000,
        to_port: 8000,
        security_groups: ["sg-alb"],
      }),
    ]);
    expect(group.ingress[0].cidr_blocks ?? []).toEqual([]);
    expect(group.egress).toEqual([
      expect.objectContaining({ protocol: "-1", cidr_blocks: ["0.0.0.0/0"] }),
    ]);
  });

  it("runs the image by digest as a non-root user, read-only, unprivileged, no capabilities", () => {
    expect(web).toMatchObject({
      name: "web",
      image: expect.stringMatching(/@sha256:[0-9a-f]{64}$/),
      command: ["web"],
      user: "10001:10001",
      readonlyRootFilesystem: true,
      privileged: false,
      essential: true,
      linuxParameters: { capabilities: { drop: ["ALL"] } },
      portMappings: [{ containerPort: 8000, hostPort: 8000, protocol: "tcp" }],
      stopTimeout: 30,
    });
  });

  it("gives the container a writable /tmp on task storage, and nothing else writable", () => {
    expect(web.mountPoints).toEqual([
      { sourceVolume: "tmp", containerPath: "/tmp", readOnly: false },
    ]);
    expect(taskDefinition.volume).toEqual([{ name: "tmp" }]);
  });

  it("passes secrets by valueFrom only; the environment holds plain settings and PORT", () => {
    expect(web.secrets).toEqual([
      { name: "DJANGO_SECRET_KEY", valueFrom: `${APP_SECRET}:DJANGO_SECRET_KEY::` },
      { name: "DB_USERNAME", valueFrom: `${DB_SECRET}:username::` },
      { name: "DB_PASSWORD", valueFrom: `${DB_SECRET}:password::` },
    ]);
    expect(web.environment).toEqual([
      { name: "DJANGO_ALLOWED_HOSTS", value: "api.shop.example" },
      { name: "PORT", value: "8000" },
      { name: "WEB_CONCURRENCY", value: "3" },
    ]);
    const names = (web.environment as Json[]).map((entry) => entry.name);
    expect(names).not.toContain("ZONKE_SECRET_ARNS");
    expect(JSON.stringify(web.environment)).not.toContain("arn:aws:secretsmanager");
  });

  it("sizes the task for Fargate and matches the image's architecture", () => {
    expect(taskDefinition).toMatchObject({
      family: "shop-prod-api",
      requires_compatibilities: ["FARGATE"],
      cpu: "1024",
      memory: "2048",
      runtime_platform: { operating_system_family: "LINUX", cpu_architecture: "ARM64" },
    });
  });

  it("checks health with a command the Django image can run, on the container port", () => {
    expect(web.healthCheck).toEqual({
      command: ["CMD", "python", "-c", expect.stringContaining('("127.0.0.1", 8000)')],
      interval: 15,
      timeout: 5,
      retries: 3,
      startPeriod: 60,
    });
  });

  it("logs to its own log group, with retention, without blocking the app", () => {
    const [logsName, logs] = only(json, "aws_cloudwatch_log_group");
    expect(logs).toMatchObject({ name: "/ecs/shop-prod-api", retention_in_days: 365 });
    expect(logs.kms_key_id).toBeUndefined();
    expect(web.logConfiguration).toEqual({
      logDriver: "awslogs",
      options: {
        // The group's attribute: the task definition waits for the group to exist.
        "awslogs-group": `\${aws_cloudwatch_log_group.${logsName}.name}`,
        "awslogs-region": "eu-west-1",
        "awslogs-stream-prefix": "ecs",
        mode: "non-blocking",
        "max-buffer-size": "25m",
      },
    });
    const write = roleStatements(json, "shop-prod-api-execution").find(
      (s) => s.sid === "WriteOwnLogs",
    );
    expect(write?.resources).toEqual([`\${aws_cloudwatch_log_group.${logsName}.arn}:*`]);
  });

  it("keeps the execution role and the task role apart", () => {
    const roles = Object.fromEntries(
      ofType(json, "aws_iam_role").map(([name, role]) => [role.name, name]),
    );
    expect(taskDefinition.execution_role_arn).toBe(
      `\${aws_iam_role.${roles["shop-prod-api-execution"]}.arn}`,
    );
    expect(taskDefinition.task_role_arn).toBe(
      `\${aws_iam_role.${roles["shop-prod-api-task"]}.arn}`,
    );
    expect(taskDefinition.execution_role_arn).not.toBe(taskDefinition.task_role_arn);
  });

  it("lets the execution role pull this image, write its logs and read exactly the given secrets", () => {
    const statements = roleStatements(json, "shop-prod-api-execution");
    expect(statements.map((s) => s.sid)).toEqual([
      "PullImageToken",
      "PullImage",
      "WriteOwnLogs",
      "ReadOwnSecrets",
    ]);
    expect(statements.find((s) => s.sid === "PullImage")?.resources).toEqual([REPOSITORY_ARN]);
    expect(statements.find((s) => s.sid === "ReadOwnSecrets")).toEqual({
      sid: "ReadOwnSecrets",
      actions: ["secretsmanager:GetSecretValue"],
      resources: [APP_SECRET, DB_SECRET],
    });
    for (const statement of statements) {
      if (statement.sid !== "PullImageToken") expect(statement.resources).not.toContain("*");
    }
  });

  it("gives the task role nothing by default, and trusts ECS tasks of this account only", () => {
    expect(roleStatements(json, "shop-prod-api-task")).toEqual([]);
    expect(trustStatements(json, "shop-prod-api-task")).toEqual([
      expect.objectContaining({
        principals: [{ type: "Service", identifiers: ["ecs-tasks.amazonaws.com"] }],
        condition: [
          { test: "StringEquals", variable: "aws:SourceAccount", values: ["111111111111"] },
        ],
      }),
    ]);
  });

  it("deploys with the circuit breaker rolling back, 100% healthy and 200% at most", () => {
    expect(service).toMatchObject({
      deployment_circuit_breaker: { enable: true, rollback: true },
      deployment_minimum_healthy_percent: 100,
      deployment_maximum_percent: 200,
      health_check_grace_period_seconds: 60,
      enable_execute_command: false,
      propagate_tags: "SERVICE",
      desired_count: 2,
      lifecycle: { ignore_changes: ["desired_count"] },
    });
    // trafficShift "apply" (the default): the apply deploys each new revision and replaces the old.
    expect(taskDefinition.skip_destroy).toBeUndefined();
    expect(service.task_definition).toMatch(/^\$\{aws_ecs_task_definition\.\w+\.arn\}$/);
  });

  it("registers the container in the load balancer's target group", () => {
    expect(service.load_balancer).toEqual([
      { target_group_arn: TARGET_GROUP_ARN, container_name: "web", container_port: 8000 },
    ]);
  });

  it("places tasks by the cluster's capacity provider strategy, not a launch type", () => {
    expect(service.launch_type).toBeUndefined();
    expect(service.capacity_provider_strategy).toEqual([
      { capacity_provider: "FARGATE", base: 0, weight: 1 },
    ]);
    expect(service.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^aws_ecs_cluster_capacity_providers\./)]),
    );
  });

  it("scales between the given counts on CPU and on requests per task", () => {
    const [targetName, target] = only(json, "aws_appautoscaling_target");
    expect(target).toMatchObject({
      service_namespace: "ecs",
      scalable_dimension: "ecs:service:DesiredCount",
      resource_id: `service/shop-prod/\${aws_ecs_service.${serviceName}.name}`,
      min_capacity: 2,
      max_capacity: 6,
    });
    const policies = Object.fromEntries(
      ofType(json, "aws_appautoscaling_policy").map(([, p]) => [p.name, p]),
    );
    expect(Object.keys(policies).sort()).toEqual(["shop-prod-api-cpu", "shop-prod-api-requests"]);
    for (const policy of Object.values(policies)) {
      expect(policy).toMatchObject({
        policy_type: "TargetTrackingScaling",
        resource_id: `\${aws_appautoscaling_target.${targetName}.resource_id}`,
      });
    }
    expect(policies["shop-prod-api-cpu"]!.target_tracking_scaling_policy_configuration).toEqual({
      target_value: 55,
      scale_in_cooldown: 240,
      scale_out_cooldown: 45,
      predefined_metric_specification: {
        predefined_metric_type: "ECSServiceAverageCPUUtilization",
      },
    });
    expect(
      policies["shop-prod-api-requests"]!.target_tracking_scaling_policy_configuration,
    ).toEqual({
      target_value: 800,
      scale_in_cooldown: 240,
      scale_out_cooldown: 45,
      predefined_metric_specification: {
        predefined_metric_type: "ALBRequestCountPerTarget",
        resource_label: RESOURCE_LABEL,
      },
    });
  });
});

describe('EcsService with trafficShift "release"', () => {
  let exposed: EcsService | undefined;
  const json = ecsStack(
    {},
    { trafficShift: "release", network: { ...network, extraSecurityGroupIds: ["sg-workload"] } },
    (scope, service) => {
      exposed = service;
      const migrator = new Migrator(scope, "Migrator", {
        functionName: "shop-prod-api-migrator",
        artifact: {
          zip: migratorZip,
          sha256: "ef".repeat(32),
          architecture: "arm64",
          handler: "index.handler",
          runtime: "nodejs22.x",
        },
        target: service.migrationTarget,
      });
      new TerraformOutput(scope, "release", { value: service.releaseTarget });
      new TerraformOutput(scope, "migration", { value: migrator.userParameters });
    },
  ) as Synthesized & { output: Record<string, { value: Json }> };
  const [taskDefinitionName, taskDefinition] = only(json, "aws_ecs_task_definition");
  const [, service] = only(json, "aws_ecs_service");
  const [groupName] = only(json, "aws_security_group");
  const revision = `\${aws_ecs_task_definition.${taskDefinitionName}.arn}`;

  it("creates the service on the first revision, then leaves the revision to the release step", () => {
    expect(service.task_definition).toBe(revision);
    expect(service.lifecycle).toEqual({ ignore_changes: ["desired_count", "task_definition"] });
  });

  it("keeps old revisions registered, for running tasks and rollbacks", () => {
    expect(taskDefinition.skip_destroy).toBe(true);
  });

  it("names what a release step deploys: the new revision on this service", () => {
    expect(exposed!.trafficShift).toBe("release");
    expect(json.output.release!.value).toEqual({
      cluster: "shop-prod",
      service: "shop-prod-api",
      taskDefinitionArn: revision,
      containerName: "web",
    });
  });

  it("migrates with the new revision, in the service's subnets and every group it joins", () => {
    const groups = [`\${aws_security_group.${groupName}.id}`, "sg-workload"];
    expect(service.network_configuration.security_groups).toEqual(groups);
    const [logsName] = ofType(json, "aws_cloudwatch_log_group").find(
      ([, group]) => group.name === "/ecs/shop-prod-api",
    )!;
    expect(json.output.migration!.value).toEqual({
      kind: "ecs",
      cluster: "shop-prod",
      taskDefinition: revision,
      container: "web",
      subnets: ["subnet-a", "subnet-b"],
      securityGroups: groups,
      logGroup: `\${aws_cloudwatch_log_group.${logsName}.name}`,
      logStreamPrefix: "ecs",
    });
  });

  it("migrates on the cluster's EC2 capacity provider when tasks run there", () => {
    let parameters: Json | undefined;
    ecsStack({ capacity: ec2Capacity }, { trafficShift: "release" }, (scope, ec2Service) => {
      parameters = new Migrator(scope, "Migrator", {
        functionName: "shop-prod-api-migrator",
        artifact: {
          zip: migratorZip,
          sha256: "ef".repeat(32),
          architecture: "arm64",
          handler: "index.handler",
          runtime: "nodejs22.x",
        },
        target: ec2Service.migrationTarget,
      }).userParameters;
    });
    expect(parameters!.capacityProvider).toBe("shop-prod-ec2");
  });
});

describe("EcsService options", () => {
  it("lets the app read its secrets itself only when asked (appReadsSecrets)", () => {
    const json = ecsStack({}, { appReadsSecrets: true });
    expect(roleStatements(json, "shop-prod-api-task")).toEqual([
      expect.objectContaining({ sid: "ReadOwnSecrets", resources: [APP_SECRET, DB_SECRET] }),
    ]);
    const [web] = containers(json) as [Json];
    expect(web.environment).toContainEqual({
      name: "ZONKE_SECRET_ARNS",
      value: `${APP_SECRET},DB_=${DB_SECRET}`,
    });
  });

  it("adds the app's own permissions to the task role, never to the execution role", () => {
    const statement = { sid: "ReadUploads", actions: ["s3:GetObject"], resources: ["arn:x"] };
    const json = ecsStack({}, { taskRoleStatements: [statement] });
    expect(roleStatements(json, "shop-prod-api-task")).toEqual([statement]);
    expect(roleStatements(json, "shop-prod-api-execution").map((s) => s.sid)).not.toContain(
      "ReadUploads",
    );
  });

  it("turns on ECS Exec by name: SSM channels, writable agent directories, root still read-only", () => {
    const json = ecsStack({}, { enableExecuteCommand: true });
    const [, service] = only(json, "aws_ecs_service");
    expect(service.enable_execute_command).toBe(true);
    expect(roleStatements(json, "shop-prod-api-task").map((s) => s.sid)).toEqual([
      "ExecuteCommandChannels",
    ]);
    const [web] = containers(json) as [Json];
    expect(web.readonlyRootFilesystem).toBe(true);
    expect((web.mountPoints as Json[]).map((m) => m.containerPath)).toEqual([
      "/tmp",
      "/managed-agents",
      "/var/lib/amazon/ssm",
      "/var/log/amazon/ssm",
    ]);
  });

  it("takes the health check, stop timeout, user and log key it is given", () => {
    const json = ecsStack(
      {},
      {
        healthCheck: { command: ["CMD-SHELL", "node healthcheck.js"], startPeriodSec: 20 },
        stopTimeoutSec: 90,
        user: "1000:1000",
        command: ["node", "server.js"],
        containerPort: 3000,
        logsKmsKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/logs",
        logRetentionDays: 30,
      },
    );
    const [web] = containers(json) as [Json];
    expect(web).toMatchObject({
      user: "1000:1000",
      command: ["node", "server.js"],
      stopTimeout: 90,
      healthCheck: { command: ["CMD-SHELL", "node healthcheck.js"], startPeriod: 20 },
      portMappings: [{ containerPort: 3000, hostPort: 3000, protocol: "tcp" }],
    });
    expect(web.environment).toContainEqual({ name: "PORT", value: "3000" });
    const [, logs] = only(json, "aws_cloudwatch_log_group");
    expect(logs).toMatchObject({
      retention_in_days: 30,
      kms_key_id: "arn:aws:kms:eu-west-1:111111111111:key/logs",
    });
  });

  it("exposes what the migrator needs: family, exactly the two roles, the cluster", () => {
    const json = ecsStack({}, {}, (scope, service) => {
      expect(service.taskDefinitionFamily).toBe("shop-prod-api");
      expect(service.containerName).toBe("web");
      expect(service.serviceName).toBe("shop-prod-api");
      expect(service.clusterName).toBe("shop-prod");
      expect(service.logGroupName).toBeDefined();
      expect(service.runTaskCapacityProvider).toBeUndefined();
      expect(service.migrationTarget.passRoleArns).toEqual([
        service.taskRoleArn,
        service.executionRoleArn,
      ]);
      new Migrator(scope, "Migrator", {
        functionName: "shop-prod-api-migrator",
        artifact: {
          zip: migratorZip,
          sha256: "ef".repeat(32),
          architecture: "arm64",
          handler: "index.handler",
          runtime: "nodejs22.x",
        },
        target: service.migrationTarget,
      });
    });
    const pass = Object.values(json.data!.aws_iam_policy_document!)
      .flatMap((d) => (d.statement as Json[] | undefined) ?? [])
      .find((s) => s.sid === "PassTaskRoles");
    const roles = Object.fromEntries(
      ofType(json, "aws_iam_role").map(([name, role]) => [role.name, name]),
    );
    expect(pass?.resources).toEqual([
      `\${aws_iam_role.${roles["shop-prod-api-task"]}.arn}`,
      `\${aws_iam_role.${roles["shop-prod-api-execution"]}.arn}`,
    ]);
  });
});

describe("EcsCluster", () => {
  it("turns Container Insights on and attaches FARGATE and FARGATE_SPOT", () => {
    const json = ecsStack();
    const [, cluster] = only(json, "aws_ecs_cluster");
    expect(cluster).toMatchObject({
      name: "shop-prod",
      setting: [{ name: "containerInsights", value: "enabled" }],
    });
    const [, providers] = only(json, "aws_ecs_cluster_capacity_providers");
    expect(providers.capacity_providers).toEqual(["FARGATE", "FARGATE_SPOT"]);
    expect(providers.default_capacity_provider_strategy).toEqual([
      { capacity_provider: "FARGATE", base: 0, weight: 1 },
    ]);
  });

  it("splits tasks between FARGATE (with a base) and FARGATE_SPOT by the given weights", () => {
    const json = ecsStack({
      capacity: { kind: "fargate", spot: { onDemandBase: 2, onDemandWeight: 1, spotWeight: 3 } },
    });
    const expected = [
      { capacity_provider: "FARGATE", base: 2, weight: 1 },
      { capacity_provider: "FARGATE_SPOT", base: 0, weight: 3 },
    ];
    const [, service] = only(json, "aws_ecs_service");
    expect(service.capacity_provider_strategy).toEqual(expected);
    const [, providers] = only(json, "aws_ecs_cluster_capacity_providers");
    expect(providers.default_capacity_provider_strategy).toEqual(expected);
  });

  describe("with EC2 capacity", () => {
    const json = ecsStack({ capacity: ec2Capacity });
    const [templateName, template] = only(json, "aws_launch_template");

    it("takes the ECS-optimised AMI from AWS's SSM parameter, for the architecture", () => {
      const [amiName, ami] = Object.entries(json.data!.aws_ssm_parameter!)[0]!;
      expect(ami.name).toBe(
        "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
      );
      expect(template.image_id).toBe(`\${data.aws_ssm_parameter.${amiName}.insecure_value}`);
      expect(template.instance_type).toBe("t4g.medium");
      const x86 = ecsStack(
        { capacity: { ...ec2Capacity, architecture: "x86_64" } },
        { architecture: "x86_64" },
      );
      const [, x86Ami] = Object.entries(x86.data!.aws_ssm_parameter!)[0]!;
      expect(x86Ami.name).toBe(
        "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
      );
    });

    it("requires IMDSv2 with one hop, encrypts the root volume, gives no public IP", () => {
      expect(template.metadata_options).toEqual({
        http_endpoint: "enabled",
        http_tokens: "required",
        http_put_response_hop_limit: 1,
        instance_metadata_tags: "disabled",
      });
      expect(template.block_device_mappings).toEqual([
        {
          device_name: "/dev/xvda",
          ebs: {
            encrypted: "true",
            volume_type: "gp3",
            volume_size: 30,
            delete_on_termination: "true",
          },
        },
      ]);
      expect(template.network_interfaces).toEqual([
        expect.objectContaining({ associate_public_ip_address: "false" }),
      ]);
    });

    it("joins the cluster through user data, and keeps tasks away from the instance role", () => {
      const script = Buffer.from(template.user_data as string, "base64").toString("utf8");
      expect(script).toContain("ECS_CLUSTER=shop-prod\n");
      expect(script).toContain("ECS_AWSVPC_BLOCK_IMDS=true\n");
    });

    it("gives instances the ECS agent and SSM core policies only", () => {
      const [profileName, profile] = only(json, "aws_iam_instance_profile");
      expect(template.iam_instance_profile).toEqual({
        arn: `\${aws_iam_instance_profile.${profileName}.arn}`,
      });
      const attachments = ofType(json, "aws_iam_role_policy_attachment").map(
        ([, a]) => a.policy_arn,
      );
      expect(attachments.sort()).toEqual([
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
      ]);
      expect(profile.role).toMatch(/^\$\{aws_iam_role\./);
    });

    it("runs the group in private subnets, protected from scale-in", () => {
      const [, group] = only(json, "aws_autoscaling_group");
      expect(group).toMatchObject({
        vpc_zone_identifier: ["subnet-a", "subnet-b"],
        protect_from_scale_in: true,
        min_size: 1,
        max_size: 4,
        launch_template: { id: `\${aws_launch_template.${templateName}.id}`, version: "$Latest" },
      });
      expect(group.tag).toContainEqual({
        key: "AmazonECSManaged",
        value: "true",
        propagate_at_launch: true,
      });
    });

    it("scales the group through a capacity provider with managed scaling and termination protection", () => {
      const [providerName, provider] = only(json, "aws_ecs_capacity_provider");
      expect(provider).toMatchObject({
        name: "shop-prod-ec2",
        auto_scaling_group_provider: {
          managed_termination_protection: "ENABLED",
          managed_draining: "ENABLED",
          managed_scaling: { status: "ENABLED", target_capacity: 100 },
        },
      });
      const [, attached] = only(json, "aws_ecs_cluster_capacity_providers");
      expect(attached.capacity_providers).toEqual([
        `\${aws_ecs_capacity_provider.${providerName}.name}`,
      ]);
    });

    it("places the service on the EC2 provider, with EC2 compatibility", () => {
      const [, service] = only(json, "aws_ecs_service");
      expect(service.capacity_provider_strategy).toEqual([
        { capacity_provider: "shop-prod-ec2", base: 0, weight: 1 },
      ]);
      const [, taskDefinition] = only(json, "aws_ecs_task_definition");
      expect(taskDefinition.requires_compatibilities).toEqual(["EC2"]);
    });

    it("encrypts with the given EBS key and keeps the given capacity target", () => {
      const keyed = ecsStack({
        capacity: {
          ...ec2Capacity,
          ebsKmsKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/ebs",
          targetCapacityPercent: 80,
          minInstances: 2,
          maxInstances: 8,
          instanceType: "m7g.large",
        },
      });
      const [, keyedTemplate] = only(keyed, "aws_launch_template");
      expect(keyedTemplate.block_device_mappings[0].ebs).toMatchObject({
        encrypted: "true",
        kms_key_id: "arn:aws:kms:eu-west-1:111111111111:key/ebs",
      });
      expect(keyedTemplate.instance_type).toBe("m7g.large");
      const [, provider] = only(keyed, "aws_ecs_capacity_provider");
      expect(provider.auto_scaling_group_provider.managed_scaling.target_capacity).toBe(80);
      const [, group] = only(keyed, "aws_autoscaling_group");
      expect(group).toMatchObject({ min_size: 2, max_size: 8 });
    });
  });
});

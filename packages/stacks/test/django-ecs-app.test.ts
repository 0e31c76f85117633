import { EXAMPLE_CONFIG, synthConfig } from "./helpers";

type Json = Record<string, any>;

describe("next-lambda-django-ecs: Django on ECS (api) behind the Next.js app's distribution (web)", () => {
  const { json } = synthConfig(EXAMPLE_CONFIG);
  const api = json["zonke-dev-api"]! as Json;
  const web = json["zonke-dev-web"]! as Json;
  const prodApi = json["zonke-prod-api"]! as Json;
  const resources = (stack: Json, type: string) =>
    Object.entries(stack.resource[type] ?? {}) as [string, Json][];
  const one = (stack: Json, type: string): [string, Json] => {
    const all = resources(stack, type);
    expect(all).toHaveLength(1);
    return all[0]!;
  };
  const groupNamed = (stack: Json, name: string) =>
    resources(stack, "aws_security_group").find(([, g]) => g.name === name)!;
  const groupRef = (stack: Json, name: string) =>
    `\${aws_security_group.${groupNamed(stack, name)[0]}.id}`;
  const rulesOf = (stack: Json, type: string, groupId: string) =>
    resources(stack, type)
      .map(([, rule]) => rule)
      .filter((rule) => rule.security_group_id === groupId);

  it("chains the security groups CloudFront -> load balancer -> tasks -> database, nothing else", () => {
    const alb = groupRef(api, "zonke-dev-api-alb");
    const tasks = groupRef(api, "zonke-dev-api-tasks");
    const database = groupRef(api, "zonke-dev-api-db");
    expect(rulesOf(api, "aws_vpc_security_group_ingress_rule", alb)).toEqual([
      expect.objectContaining({
        prefix_list_id: expect.stringMatching(/aws_ec2_managed_prefix_list\.\w+\.id/),
        from_port: 80,
      }),
    ]);
    expect(rulesOf(api, "aws_vpc_security_group_egress_rule", alb)).toEqual([
      expect.objectContaining({ referenced_security_group_id: tasks, from_port: 8000 }),
    ]);
    const [, taskGroup] = groupNamed(api, "zonke-dev-api-tasks");
    expect(taskGroup.ingress).toEqual([
      expect.objectContaining({ security_groups: [alb], from_port: 8000, cidr_blocks: null }),
    ]);
    expect(rulesOf(api, "aws_vpc_security_group_ingress_rule", database)).toEqual([
      expect.objectContaining({ referenced_security_group_id: tasks, from_port: 5432 }),
    ]);
    const [, lb] = one(api, "aws_lb");
    expect(lb).toMatchObject({ internal: true, drop_invalid_header_fields: true });
  });

  it("lets the Next.js server call the API inside the VPC: both rules in web's own stack", () => {
    const [, server] = resources(web, "aws_lambda_function").find(
      ([, f]) => f.function_name === "zonke-dev-web-server",
    )!;
    expect(server.environment.variables.DJANGO_API_URL).toMatch(
      /^http:\/\/\$\{data\.terraform_remote_state\.cross-stack-reference-input-zonke-dev-api\.outputs\.[\w-]+\}$/,
    );
    const webServerGroup = groupRef(web, "zonke-dev-web-server");
    const [, admit] = resources(web, "aws_vpc_security_group_ingress_rule").find(([name]) =>
      name.startsWith("ApiAdmitsServer"),
    )!;
    expect(admit).toMatchObject({
      referenced_security_group_id: webServerGroup,
      from_port: 80,
      security_group_id: expect.stringContaining("zonke-dev-api"),
    });
    expect(rulesOf(web, "aws_vpc_security_group_egress_rule", webServerGroup)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          from_port: 80,
          referenced_security_group_id: admit.security_group_id,
        }),
      ]),
    );
    // The API's stack never refers back to the front end's (no dependency cycle).
    expect(JSON.stringify(api)).not.toContain("zonke-dev-web");
  });

  it("routes /api/* and /admin/* of web's distribution to the API's VPC origin", () => {
    const [, distribution] = one(web, "aws_cloudfront_distribution");
    const byPath = Object.fromEntries(
      (distribution.ordered_cache_behavior as Json[]).map((b) => [b.path_pattern, b]),
    );
    for (const path of ["/api/*", "/admin/*"]) {
      expect(byPath[path]).toMatchObject({
        allowed_methods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
      });
      const origin = (distribution.origin as Json[]).find(
        (o) => o.origin_id === byPath[path].target_origin_id,
      )!;
      expect(origin.vpc_origin_config.vpc_origin_id).toContain("zonke-dev-api");
      expect(origin.origin_access_control_id).toBeUndefined();
    }
    expect(byPath["/static/*"]!.target_origin_id).toBe("assets");
  });

  it("runs zonke's image by digest: web command, non-root, read-only root, secrets by reference", () => {
    const [, task] = one(api, "aws_ecs_task_definition");
    const [container] = JSON.parse(task.container_definitions) as Json[];
    expect(container).toMatchObject({
      image: "111111111111.dkr.ecr.eu-west-1.amazonaws.com/zonke/dev/api@${var.image_digest}",
      command: ["web"],
      user: "10001:10001",
      readonlyRootFilesystem: true,
      privileged: false,
    });
    expect(container!.secrets.map((s: Json) => s.name).sort()).toEqual([
      "DB_PASSWORD",
      "DB_USERNAME",
      "DJANGO_SECRET_KEY",
    ]);
    const environment = Object.fromEntries(
      (container!.environment as Json[]).map((e) => [e.name, e.value]),
    );
    expect(environment).toMatchObject({
      DB_NAME: "app",
      DB_PORT: "5432",
      ZONKE_DOMAINS: ".cloudfront.net",
    });
    expect(Object.keys(environment).some((key) => /PASSWORD|SECRET_KEY/.test(key))).toBe(false);
    expect(task).toMatchObject({
      cpu: "512",
      memory: "1024",
      requires_compatibilities: ["FARGATE"],
    });
  });

  it("scales on CPU and requests, rolls back failed deploys, and keeps two tasks in prod", () => {
    const [, service] = one(api, "aws_ecs_service");
    expect(service.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
    expect(service.network_configuration.assign_public_ip).toBe(false);
    const policies = resources(api, "aws_appautoscaling_policy").map(([, p]) => p);
    expect(
      policies
        .map(
          (p) =>
            p.target_tracking_scaling_policy_configuration.predefined_metric_specification
              .predefined_metric_type,
        )
        .sort(),
    ).toEqual(["ALBRequestCountPerTarget", "ECSServiceAverageCPUUtilization"]);
    const capacity = (stack: Json) => one(stack, "aws_appautoscaling_target")[1];
    expect(capacity(api)).toMatchObject({ min_capacity: 1, max_capacity: 4 });
    expect(capacity(prodApi)).toMatchObject({ min_capacity: 2, max_capacity: 10 });
  });

  it("runs migrations as the same task family with the migrate command's roles only", () => {
    const statements = Object.entries(api.data.aws_iam_policy_document as Record<string, Json>)
      .filter(([name]) => name.startsWith("Migrator_"))
      .flatMap(([, d]) => (d.statement as Json[]) ?? []);
    const sids = statements
      .map((s) => s.sid)
      .filter(Boolean)
      .sort();
    expect(sids).toEqual([
      "PassTaskRoles",
      "ReadMigrationOutput",
      "ReadMigrationTaskDefinition",
      "ReportJobResults",
      "RunMigrationTask",
      "WatchMigrationTask",
      "WriteOwnLogs",
      "WriteTraces",
    ]);
    const run = statements.find((s) => s.sid === "RunMigrationTask")!;
    expect(run.resources).toEqual([
      "arn:aws:ecs:eu-west-1:111111111111:task-definition/zonke-dev-api:*",
    ]);
  });
});

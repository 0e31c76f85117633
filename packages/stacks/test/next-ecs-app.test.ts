import { EXAMPLE_CONFIG, synthConfig } from "./helpers";

type Json = Record<string, any>;

describe("next-ecs-django-ecs: Next.js (store) and Django (store-api) both on ECS", () => {
  const { json } = synthConfig(EXAMPLE_CONFIG);
  const store = json["zonke-dev-store"]! as Json;
  const storeApi = json["zonke-dev-store-api"]! as Json;
  const resources = (stack: Json, type: string) =>
    Object.entries(stack.resource[type] ?? {}) as [string, Json][];
  const one = (stack: Json, type: string): Json => {
    const all = resources(stack, type);
    expect(all).toHaveLength(1);
    return all[0]![1];
  };
  const container = (stack: Json): Json =>
    JSON.parse(one(stack, "aws_ecs_task_definition").container_definitions)[0];

  it("runs the standalone server image as its non-root user, checked by node itself", () => {
    expect(container(store)).toMatchObject({
      image: "111111111111.dkr.ecr.eu-west-1.amazonaws.com/zonke/dev/store@${var.image_digest}",
      command: ["node", "server.js"],
      user: "1000:1000",
      readonlyRootFilesystem: true,
      portMappings: [expect.objectContaining({ containerPort: 3000 })],
      healthCheck: {
        command: ["CMD", "node", "-e", expect.stringContaining("/status")],
      },
    });
    const [, group] = resources(store, "aws_lb_target_group")[0]!;
    expect(group).toMatchObject({ port: 3000, health_check: { path: "/status" } });
  });

  it("serves the app through its own VPC origin, the API's paths through the API's", () => {
    const distribution = one(store, "aws_cloudfront_distribution");
    const originOf = (id: string) =>
      (distribution.origin as Json[]).find((o) => o.origin_id === id)!;
    expect(originOf("default").vpc_origin_config.vpc_origin_id).toMatch(
      /^\$\{aws_cloudfront_vpc_origin\.Alb_VpcOrigin_\w+\.id\}$/,
    );
    const byPath = Object.fromEntries(
      (distribution.ordered_cache_behavior as Json[]).map((b) => [
        b.path_pattern,
        b.target_origin_id,
      ]),
    );
    expect(byPath).toEqual({
      "/_next/static/*": "assets",
      "/images/*": "assets",
      "/static/*": "assets",
      "/_next/image*": "image-optimizer",
      "/api/*": "path-0",
      "/admin/*": "path-1",
    });
    expect(originOf("path-0").vpc_origin_config.vpc_origin_id).toContain("zonke-dev-store-api");
    // VPC origins take bodies as they are: no Lambda@Edge signer in this stack.
    expect(distribution.default_cache_behavior.lambda_function_association).toBeUndefined();
    expect(resources(store, "aws_lambda_function").map(([, f]) => f.function_name)).toEqual([
      "zonke-dev-store-image-optimizer",
    ]);
  });

  it("puts Django on EC2 capacity with IMDSv2 and no public addresses, as the config asks", () => {
    expect(one(storeApi, "aws_launch_template")).toMatchObject({
      metadata_options: { http_tokens: "required", http_put_response_hop_limit: 1 },
    });
    expect(one(storeApi, "aws_ecs_capacity_provider").auto_scaling_group_provider).toMatchObject({
      managed_scaling: { status: "ENABLED" },
    });
    expect(one(storeApi, "aws_ecs_service").network_configuration.assign_public_ip).toBe(false);
    expect(one(store, "aws_ecs_cluster_capacity_providers").capacity_providers).toEqual([
      "FARGATE",
      "FARGATE_SPOT",
    ]);
  });

  it("gives the Next.js tasks the API's internal address, admitted in the store's own stack", () => {
    const environment = Object.fromEntries(
      (container(store).environment as Json[]).map((e) => [e.name, e.value]),
    );
    expect(environment.DJANGO_API_URL).toMatch(/^http:\/\/\$\{data\.terraform_remote_state\./);
    expect(resources(store, "aws_vpc_security_group_ingress_rule").map(([name]) => name)).toContain(
      "ApiAdmitsServer",
    );
    expect(JSON.stringify(storeApi)).not.toContain('zonke-dev-store"');
  });
});

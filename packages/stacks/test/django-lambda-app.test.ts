import { EXAMPLE_CONFIG, synthConfig } from "./helpers";

type Json = Record<string, any>;

describe("the django-lambda architecture (example-django as site)", () => {
  const { json } = synthConfig(EXAMPLE_CONFIG);
  const registry = json["zonke-dev-site-registry"]! as Json;
  const dev = json["zonke-dev-site"]! as Json;
  const resources = (stack: Json, type: string) =>
    Object.entries(stack.resource[type] ?? {}) as [string, Json][];
  const fn = (name: string) =>
    resources(dev, "aws_lambda_function").find(([, f]) => f.function_name === name)!;
  const statements = (stack: Json): Json[] =>
    Object.entries(stack.data.aws_iam_policy_document as Record<string, Json>).flatMap(
      ([document, d]) => ((d.statement as Json[]) ?? []).map((s) => ({ document, ...s })),
    );

  it("keeps the image repository in a stack of its own, which the pipeline applies first", () => {
    const [, repository] = resources(registry, "aws_ecr_repository")[0]!;
    expect(repository).toMatchObject({
      name: "zonke/dev/site",
      image_tag_mutability: "IMMUTABLE",
      image_scanning_configuration: { scan_on_push: true },
    });
    const [, policy] = resources(registry, "aws_ecr_repository_policy")[0]!;
    expect(policy!.policy).toContain("arn:aws:lambda:*:111111111111:function:*");
    expect(Object.keys(registry.output)).toEqual(["repository_url"]);
  });

  it("runs the image the pipeline names by digest, validated, in the private subnets", () => {
    expect(dev.variable.image_digest.validation[0].condition).toBe(
      '${can(regex("^sha256:[0-9a-f]{64}$", var.image_digest))}',
    );
    const [, server] = fn("zonke-dev-site-server");
    expect(server).toMatchObject({
      package_type: "Image",
      image_uri: "111111111111.dkr.ecr.eu-west-1.amazonaws.com/zonke/dev/site@${var.image_digest}",
      image_config: { command: ["lambda"] },
      publish: true,
    });
    expect(server.vpc_config.subnet_ids).toHaveLength(2);
    // The repository is addressed by name, so the app's plan never reads the registry's state.
    expect(JSON.stringify(dev)).not.toContain("zonke-dev-site-registry");
  });

  it("gives the server and its manage function the database and secrets as ARNs, never values", () => {
    const [, server] = fn("zonke-dev-site-server");
    const [, manage] = fn("zonke-dev-site-server-manage");
    const variables = server.environment.variables as Record<string, string>;
    expect(variables).toMatchObject({
      DB_HOST: expect.stringMatching(/^\$\{aws_db_proxy\.Database_Proxy_\w+\.endpoint\}$/),
      DB_NAME: "app",
      DB_PORT: "5432",
      ZONKE_DOMAINS: ".cloudfront.net",
    });
    expect(variables.ZONKE_SECRET_ARNS!.split(",")).toEqual([
      expect.stringMatching(/^\$\{aws_secretsmanager_secret\.Secrets_\w+\.arn\}$/),
      expect.stringMatching(/^DB_=\$\{aws_db_instance\.Database_Instance_\w+\.master_user_secret/),
    ]);
    expect(manage.environment).toEqual(server.environment);
    expect(manage).toMatchObject({ image_uri: server.image_uri, timeout: 900 });
  });

  it("lets only the server's group reach the database, through the proxy", () => {
    const ingress = resources(dev, "aws_vpc_security_group_ingress_rule").map(([, r]) => r);
    expect(ingress.map((r) => r.referenced_security_group_id).sort()).toEqual([
      expect.stringMatching(/Database_Proxy_SecurityGroup_/),
      expect.stringMatching(/Server_SecurityGroup_/),
    ]);
    expect(ingress.every((r) => r.cidr_ipv4 === undefined)).toBe(true);
    // ... and the server may open connections to the proxy (its egress is otherwise HTTPS only).
    const egress = resources(dev, "aws_vpc_security_group_egress_rule").map(([, r]) => r);
    expect(egress).toContainEqual(
      expect.objectContaining({
        referenced_security_group_id: expect.stringMatching(/Database_Proxy_SecurityGroup_/),
        from_port: 5432,
        security_group_id: expect.stringMatching(/Server_SecurityGroup_/),
      }),
    );
    const [, database] = resources(dev, "aws_db_instance")[0]!;
    expect(database).toMatchObject({ publicly_accessible: false, storage_encrypted: true });
  });

  it("serves collectstatic's output under /static/* from the bucket and the rest from Django", () => {
    const [, distribution] = resources(dev, "aws_cloudfront_distribution")[0]!;
    expect(
      (distribution!.ordered_cache_behavior as Json[]).map((b) => [
        b.path_pattern,
        b.target_origin_id,
      ]),
    ).toEqual([["/static/*", "assets"]]);
    const origin = (distribution!.origin as Json[]).find((o) => o.origin_id === "default")!;
    expect(origin.domain_name).toMatch(/aws_lambda_function_url\.Server_Url_\w+\.function_url/);
  });

  it("keeps two servers warm and runs migrations through the manage function only", () => {
    const [, warmer] = fn("zonke-dev-site-warmer");
    expect(warmer.environment.variables.WARMER_TARGETS).toContain('"count" = 2');
    const invoke = statements(dev).filter((s) => s.sid === "InvokeManageVersions");
    expect(invoke).toEqual([
      expect.objectContaining({
        document: expect.stringMatching(/^Migrator_/),
        actions: ["lambda:InvokeFunction"],
        resources: [
          expect.stringMatching(/Server_Manage_\w+\.arn\}$/),
          expect.stringMatching(/Server_Manage_\w+\.arn\}:\*$/),
        ],
      }),
    ]);
    expect(Object.keys(dev.output)).toEqual(
      expect.arrayContaining(["url", "manage_function", "manage_version", "migrator_function"]),
    );
  });
});

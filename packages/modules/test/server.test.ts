import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TerraformOutput } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  AppSecret,
  EdgeSigner,
  NextServer,
  ValidationError,
  Warmer,
  type LambdaArtifact,
  type NextServerProps,
} from "../src";
import { ofType, ref, synth, type Synthesized } from "./helpers";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zonke-server-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const artifact = (name: string, architecture: "arm64" | "x86_64" = "arm64"): LambdaArtifact => {
  const zip = path.join(dir, `${name}.zip`);
  fs.writeFileSync(zip, name);
  return {
    zip,
    sha256: "cd".repeat(32),
    architecture,
    handler: "index.handler",
    runtime: "nodejs22.x",
  };
};

const network = {
  region: "eu-west-1",
  accountId: "111111111111",
  vpcId: "vpc-1",
  subnetIds: ["subnet-a", "subnet-b"],
  extraSecurityGroupIds: ["sg-workload"],
};

function server(props: Partial<NextServerProps> = {}): Synthesized {
  return synth((stack) => {
    const secret = new AppSecret(stack, "Secrets", { name: "shop/prod/web", keys: ["GREETING"] });
    const next = new NextServer(stack, "Server", {
      functionName: "shop-prod-web-server",
      artifact: artifact("server"),
      network,
      environment: { DJANGO_API_URL: "https://shop.example.com" },
      secrets: [{ arn: secret.arn, keys: ["GREETING"] }],
      ...props,
    });
    next.allowDistribution("arn:aws:cloudfront::111111111111:distribution/E123");
    new Warmer(stack, "Warmer", {
      functionName: "shop-prod-web-warmer",
      artifact: artifact("warmer"),
      targets: [
        {
          functionArn: next.function.arn,
          functionName: next.function.functionName,
          qualifier: next.alias.name,
          count: 3,
        },
      ],
      warmOnChangeOf: { version: next.function.version },
    });
  });
}

const json = server();
const only = (type: string) => {
  const all = ofType(json, type);
  expect(all).toHaveLength(1);
  return all[0]! as [string, Record<string, any>];
};
const functionNamed = (name: string) =>
  ofType(json, "aws_lambda_function").find(([, f]) => f.function_name === name)! as [
    string,
    Record<string, any>,
  ];
const statementsOf = (functionName: string) => {
  const [, fn] = functionNamed(functionName);
  const roleName = /aws_iam_role\.([^.]+)\.arn/.exec(fn.role as string)![1]!;
  const [, policy] = ofType(json, "aws_iam_role_policy").find(
    ([, p]) => p.role === ref("aws_iam_role", roleName),
  )!;
  const documentName = /aws_iam_policy_document\.([^.]+)\.json/.exec(policy.policy as string)![1]!;
  return json.data!.aws_iam_policy_document![documentName]!.statement as Record<string, any>[];
};

describe("NextServer", () => {
  const [serverName, fn] = functionNamed("shop-prod-web-server");

  it("runs in the private subnets with its own security group and the workload group", () => {
    const [sgName, sg] = only("aws_security_group");
    expect(fn.vpc_config).toEqual({
      subnet_ids: ["subnet-a", "subnet-b"],
      security_group_ids: [ref("aws_security_group", sgName), "sg-workload"],
    });
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
    const egress = ofType(json, "aws_vpc_security_group_egress_rule")
      .map(([, rule]) => rule as Record<string, any>)
      .filter((rule) => rule.security_group_id === ref("aws_security_group", sgName));
    expect(egress).toEqual([
      expect.objectContaining({ cidr_ipv4: "0.0.0.0/0", ip_protocol: "tcp", from_port: 443 }),
    ]);
  });

  it("connects to what it is allowed to, by security group and port only", () => {
    const allowed = synth((stack) => {
      const server = new NextServer(stack, "Server", {
        functionName: "shop-prod-web-server",
        artifact: artifact("server"),
        network,
      });
      server.allowConnectTo("Api", "sg-api-alb", 80, "the API's load balancer");
    });
    const rules = ofType(allowed, "aws_vpc_security_group_egress_rule").map(
      ([, rule]) => rule as Record<string, any>,
    );
    expect(rules).toContainEqual(
      expect.objectContaining({
        referenced_security_group_id: "sg-api-alb",
        ip_protocol: "tcp",
        from_port: 80,
        to_port: 80,
      }),
    );
    expect(rules).toHaveLength(2);
  });

  it("publishes every deploy and serves the live alias through an AWS_IAM, streaming URL", () => {
    expect(fn).toMatchObject({ publish: true, runtime: "nodejs22.x", architectures: ["arm64"] });
    const [aliasName, alias] = only("aws_lambda_alias");
    expect(alias).toMatchObject({
      name: "live",
      function_version: ref("aws_lambda_function", serverName, "version"),
    });
    // trafficShift "apply" (the default): every apply moves the alias to the new version.
    expect(alias.lifecycle).toBeUndefined();
    const [, url] = only("aws_lambda_function_url");
    expect(url).toMatchObject({
      qualifier: ref("aws_lambda_alias", aliasName, "name"),
      authorization_type: "AWS_IAM",
      invoke_mode: "RESPONSE_STREAM",
    });
  });

  it("carries secret ARNs, never values, and may read exactly those secrets", () => {
    const [secretName] = only("aws_secretsmanager_secret");
    expect(fn.environment.variables).toEqual({
      DJANGO_API_URL: "https://shop.example.com",
      NODE_ENV: "production",
      ZONKE_RESPONSE_MODE: "stream",
      ZONKE_SECRET_ARNS: ref("aws_secretsmanager_secret", secretName, "arn"),
    });
    expect(json.resource.aws_secretsmanager_secret_version).toBeUndefined();
    const statements = statementsOf("shop-prod-web-server");
    expect(statements.find((s) => s.sid === "ReadOwnSecrets")).toEqual({
      sid: "ReadOwnSecrets",
      actions: ["secretsmanager:GetSecretValue"],
      resources: [ref("aws_secretsmanager_secret", secretName, "arn")],
    });
  });

  it("may create network interfaces only in its subnets and groups", () => {
    const attach = statementsOf("shop-prod-web-server").find((s) => s.sid === "AttachToVpc")!;
    expect(attach.resources).toEqual([
      "arn:aws:ec2:eu-west-1:111111111111:network-interface/*",
      "arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-a",
      "arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-b",
      expect.stringMatching(
        /^arn:aws:ec2:eu-west-1:111111111111:security-group\/\$\{aws_security_group\./,
      ),
      "arn:aws:ec2:eu-west-1:111111111111:security-group/sg-workload",
    ]);
  });

  it("lets only the distribution invoke the alias's URL", () => {
    const permissions = ofType(json, "aws_lambda_permission").filter(
      ([, p]) => p.principal === "cloudfront.amazonaws.com",
    );
    expect(permissions.map(([, p]) => p.action).sort()).toEqual([
      "lambda:InvokeFunction",
      "lambda:InvokeFunctionUrl",
    ]);
    for (const [, p] of permissions) {
      expect(p).toMatchObject({
        qualifier: "live",
        source_arn: "arn:aws:cloudfront::111111111111:distribution/E123",
      });
    }
  });

  it('with trafficShift "release", creates the alias on the first version and never moves it', () => {
    const released = server({ trafficShift: "release" });
    const [[name, fn]] = ofType(released, "aws_lambda_function").filter(
      ([, f]) => f.function_name === "shop-prod-web-server",
    ) as [[string, Record<string, any>]];
    const [[, alias]] = ofType(released, "aws_lambda_alias") as [[string, Record<string, any>]];
    expect(fn.publish).toBe(true);
    expect(alias).toMatchObject({
      name: "live",
      function_version: ref("aws_lambda_function", name, "version"),
      lifecycle: { ignore_changes: ["function_version"] },
    });
  });

  it("names what a release step moves: the live alias, to the version this apply published", () => {
    const outputs = synth((stack) => {
      const next = new NextServer(stack, "Server", {
        functionName: "shop-prod-web-server",
        artifact: artifact("server"),
        network,
        trafficShift: "release",
      });
      expect(next.trafficShift).toBe("release");
      new TerraformOutput(stack, "release", { value: next.releaseTarget });
    }) as Synthesized & { output: Record<string, { value: unknown }> };
    const [name] = ofType(outputs, "aws_lambda_function")[0]!;
    expect(outputs.output.release!.value).toEqual({
      functionName: ref("aws_lambda_function", name, "function_name"),
      alias: "live",
      version: ref("aws_lambda_function", name, "version"),
    });
  });

  it("buffers responses when streaming is off", () => {
    const buffered = server({ streaming: false });
    const urls = ofType(buffered, "aws_lambda_function_url");
    expect(urls.map(([, url]) => url.invoke_mode)).toEqual(["BUFFERED"]);
  });

  it.each([
    [{ environment: { ZONKE_SECRET_ARNS: "x" } }, /ZONKE_SECRET_ARNS is not allowed/],
    [{ environment: { AWS_REGION: "x" } }, /AWS_REGION is not allowed/],
    [{ timeoutSec: 120 }, /timeoutSec 120 is not allowed; use a whole number from 3 to 60/],
    [{ memoryMiB: 64 }, /memoryMiB 64 is not allowed/],
    [{ functionName: "x".repeat(70) }, /AWS allows at most 64/],
    [{ trafficShift: "later" }, /trafficShift "later" is not allowed; use "apply" .* or "release"/],
  ])("refuses %j", (props, message) => {
    expect(() => server(props as Partial<NextServerProps>)).toThrow(ValidationError);
    expect(() => server(props as Partial<NextServerProps>)).toThrow(message);
  });
});

describe("Warmer", () => {
  const [warmerName, warmer] = functionNamed("shop-prod-web-warmer");

  it("runs outside the VPC with its targets and delay in the environment", () => {
    expect(warmer.vpc_config).toBeUndefined();
    expect(warmer.environment.variables.WARMER_TARGETS).toMatch(
      /^\$\{jsonencode\(\[\{"functionName" = aws_lambda_function\.[^.]+\.function_name, "qualifier" = aws_lambda_alias\.[^.]+\.name, "count" = 3\}\]\)\}$/,
    );
    expect(warmer.environment.variables.WARMER_DELAY_MS).toBe("1000");
  });

  it("may invoke only the server's alias", () => {
    const invoke = statementsOf("shop-prod-web-warmer").find((s) => s.sid === "InvokeTargets")!;
    expect(invoke.actions).toEqual(["lambda:InvokeFunction"]);
    expect(invoke.resources).toHaveLength(1);
    expect(invoke.resources[0]).toMatch(/aws_lambda_function\.[^.]+\.arn\}:\$\{aws_lambda_alias/);
  });

  it("runs every 5 minutes, without retries, events expiring after 60 s", () => {
    const [ruleName, rule] = only("aws_cloudwatch_event_rule");
    expect(rule.schedule_expression).toBe("rate(5 minutes)");
    const [, target] = only("aws_cloudwatch_event_target");
    expect(target).toMatchObject({
      arn: ref("aws_lambda_function", warmerName, "arn"),
      retry_policy: { maximum_retry_attempts: 0, maximum_event_age_in_seconds: 60 },
    });
    const [, permission] = ofType(json, "aws_lambda_permission").find(
      ([, p]) => p.principal === "events.amazonaws.com",
    )!;
    expect(permission.source_arn).toBe(ref("aws_cloudwatch_event_rule", ruleName, "arn"));
  });

  it("warms once during each deploy of a new server version", () => {
    const [, invocation] = only("aws_lambda_invocation");
    expect(invocation.triggers).toEqual({
      version: expect.stringMatching(/aws_lambda_function\.[^.]+\.version/),
    });
  });

  it.each([
    [{ targets: [] }, /has no targets/],
    [{ targets: [{ functionArn: "a", functionName: "f", count: 0 }] }, /count 0 for f/],
    [{ targets: [{ functionArn: "a", functionName: "f", count: 51 }] }, /count 51 for f/],
    [{ delayMs: 9000 }, /delayMs 9000 is not allowed/],
  ])("refuses %j", (props, message) => {
    expect(() =>
      synth(
        (stack) =>
          new Warmer(stack, "W", {
            functionName: "w",
            artifact: artifact("w"),
            targets: [{ functionArn: "a", functionName: "f", count: 1 }],
            ...props,
          }),
      ),
    ).toThrow(message);
  });
});

describe("EdgeSigner", () => {
  const signed = synth((stack) => {
    const usEast1 = new AwsProvider(stack, "us-east-1", {
      region: "us-east-1",
      alias: "us-east-1",
    });
    new EdgeSigner(stack, "Signer", {
      functionName: "shop-prod-web-edge-signer",
      artifact: artifact("signer", "x86_64"),
      usEast1Provider: usEast1,
      accountId: "111111111111",
    });
  });

  it("is a published x86_64 function in us-east-1 that Lambda@Edge may assume", () => {
    const [[, fn]] = ofType(signed, "aws_lambda_function") as [[string, Record<string, any>]];
    expect(fn).toMatchObject({
      provider: "aws.us-east-1",
      publish: true,
      architectures: ["x86_64"],
      memory_size: 128,
    });
    expect(fn.environment).toBeUndefined();
    const trust = Object.values(signed.data!.aws_iam_policy_document!).find((d) =>
      JSON.stringify(d).includes("sts:AssumeRole"),
    )!;
    expect(JSON.stringify(trust)).toContain("edgelambda.amazonaws.com");
  });

  it("refuses an arm64 build", () => {
    expect(() =>
      synth((stack) => {
        const usEast1 = new AwsProvider(stack, "e", { region: "us-east-1", alias: "e" });
        new EdgeSigner(stack, "Signer", {
          functionName: "s",
          artifact: artifact("signer-arm"),
          usEast1Provider: usEast1,
          accountId: "111111111111",
        });
      }),
    ).toThrow(/runs only x86_64/);
  });
});

describe("AppSecret", () => {
  it("is a container with the expected keys in its description and no version", () => {
    const [, secret] = only("aws_secretsmanager_secret");
    expect(secret).toMatchObject({ name: "shop/prod/web", recovery_window_in_days: 30 });
    expect(secret.description).toContain("GREETING");
  });
});

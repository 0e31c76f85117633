import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { configureStateBackend, StateBucket, ValidationError } from "../src";
import { ofType, ref, synth, type Synthesized } from "./helpers";

const repo = fs.mkdtempSync(path.join(os.tmpdir(), "zonke-state-"));
afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

function backendOf(build: (stack: TerraformStack) => void) {
  const app = new App({ outdir: path.join(repo, "cdktf.out"), skipValidation: true });
  const stack = new TerraformStack(app, "shop-dev-network");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  build(stack);
  return (JSON.parse(Testing.synth(stack)) as Synthesized).terraform.backend as Record<
    string,
    Record<string, unknown>
  >;
}

describe("configureStateBackend", () => {
  it("keeps local state outside cdktf.out, with a path relative to the stack's working folder", () => {
    const backend = backendOf((stack) =>
      configureStateBackend(stack, { kind: "local", directory: path.join(repo, ".zonke/state") }),
    );
    expect(backend.local!.path).toBe("../../../.zonke/state/shop-dev-network.tfstate");
    expect(
      path.resolve(repo, "cdktf.out/stacks/shop-dev-network", backend.local!.path as string),
    ).toBe(path.join(repo, ".zonke/state/shop-dev-network.tfstate"));
  });

  it("uses S3 with encryption and the S3 lock file, one key per stack", () => {
    const backend = backendOf((stack) =>
      configureStateBackend(stack, {
        kind: "s3",
        bucket: "shop-tfstate",
        region: "eu-west-1",
        keyPrefix: "shop",
      }),
    );
    expect(backend.s3).toEqual({
      bucket: "shop-tfstate",
      key: "shop/shop-dev-network.tfstate",
      region: "eu-west-1",
      encrypt: true,
      use_lockfile: true,
    });
  });

  it("passes a role to assume and a KMS key when given", () => {
    const backend = backendOf((stack) =>
      configureStateBackend(stack, {
        kind: "s3",
        bucket: "shop-tfstate",
        region: "eu-west-1",
        roleArn: "arn:aws:iam::111111111111:role/terraform",
        kmsKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/abc",
      }),
    );
    expect(backend.s3).toMatchObject({
      key: "zonke/shop-dev-network.tfstate",
      kms_key_id: "arn:aws:kms:eu-west-1:111111111111:key/abc",
      assume_role: { role_arn: "arn:aws:iam::111111111111:role/terraform" },
    });
  });
});

describe("StateBucket", () => {
  const json = synth(
    (stack) =>
      new StateBucket(stack, "StateBucket", {
        bucketName: "shop-tfstate",
        accountId: "111111111111",
      }),
  );
  const buckets = Object.fromEntries(
    ofType(json, "aws_s3_bucket").map(([name, b]) => [b.bucket as string, name]),
  );
  const state = buckets["shop-tfstate"]!;
  const logs = buckets["shop-tfstate-logs"]!;
  const forBucket = (type: string, bucket: string) =>
    ofType(json, type).find(([, r]) => r.bucket === ref("aws_s3_bucket", bucket))?.[1];

  it("versions state and encrypts it with its own rotated KMS key", () => {
    expect(forBucket("aws_s3_bucket_versioning", state)).toMatchObject({
      versioning_configuration: { status: "Enabled" },
    });
    const [[keyName, key]] = ofType(json, "aws_kms_key") as [[string, Record<string, unknown>]];
    expect(key.enable_key_rotation).toBe(true);
    expect(forBucket("aws_s3_bucket_server_side_encryption_configuration", state)).toMatchObject({
      rule: [
        {
          apply_server_side_encryption_by_default: {
            sse_algorithm: "aws:kms",
            kms_master_key_id: ref("aws_kms_key", keyName, "arn"),
          },
          bucket_key_enabled: true,
        },
      ],
    });
  });

  it("blocks every kind of public access and disables ACLs on both buckets", () => {
    for (const bucket of [state, logs]) {
      expect(forBucket("aws_s3_bucket_public_access_block", bucket)).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(forBucket("aws_s3_bucket_ownership_controls", bucket)).toMatchObject({
        rule: { object_ownership: "BucketOwnerEnforced" },
      });
    }
  });

  it("denies any request that does not use TLS", () => {
    const documents = Object.values(json.data!.aws_iam_policy_document!);
    const tlsDenials = documents
      .flatMap((d) => d.statement as Record<string, unknown>[])
      .filter((s) => s.sid === "DenyInsecureTransport");
    expect(tlsDenials).toHaveLength(2);
    expect(tlsDenials[0]).toMatchObject({
      effect: "Deny",
      actions: ["s3:*"],
      condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
    });
  });

  it("logs access to the state bucket into the log bucket", () => {
    expect(forBucket("aws_s3_bucket_logging", state)).toMatchObject({
      target_bucket: ref("aws_s3_bucket", logs, "bucket"),
      target_prefix: "state-access/",
    });
  });

  it("refuses a bucket name whose log bucket would break S3's 63-character limit", () => {
    const name = "s".repeat(60);
    expect(() =>
      synth(
        (stack) =>
          new StateBucket(stack, "StateBucket", { bucketName: name, accountId: "111111111111" }),
      ),
    ).toThrow(ValidationError);
    expect(() =>
      synth(
        (stack) =>
          new StateBucket(stack, "StateBucket", { bucketName: name, accountId: "111111111111" }),
      ),
    ).toThrow(/is 65 characters; AWS allows at most 63/);
  });
});

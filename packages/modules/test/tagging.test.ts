import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { tagResources } from "../src";
import { ofType, synth } from "./helpers";

describe("tagResources", () => {
  const json = synth((stack) => {
    tagResources(stack, { project: "shop", environment: "prod", app: "web" });
    const bucket = new S3Bucket(stack, "Plain", { bucket: "shop-plain" });
    new S3Bucket(stack, "Named", {
      bucket: "shop-named",
      tags: { Name: "mine", environment: "override" },
    });
    new S3BucketVersioningA(stack, "Versioning", {
      bucket: bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
  });

  it("tags every taggable resource with project, environment and app", () => {
    const plain = ofType(json, "aws_s3_bucket").find(([, b]) => b.bucket === "shop-plain")![1];
    expect(plain.tags).toEqual({
      project: "shop",
      environment: "prod",
      app: "web",
      "managed-by": "zonke",
    });
  });

  it("keeps tags a resource sets itself", () => {
    const named = ofType(json, "aws_s3_bucket").find(([, b]) => b.bucket === "shop-named")![1];
    expect(named.tags).toMatchObject({ Name: "mine", environment: "override", project: "shop" });
  });

  it("leaves resources without tags alone", () => {
    expect(ofType(json, "aws_s3_bucket_versioning")[0]![1].tags).toBeUndefined();
  });
});

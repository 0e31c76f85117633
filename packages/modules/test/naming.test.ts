import fc from "fast-check";
import { NAME_RULES, nameProblem, physicalName, ValidationError, type NameKind } from "../src";

describe("physicalName", () => {
  it("joins the parts with hyphens and drops empty parts", () => {
    expect(physicalName("lambdaFunction", ["shop", "prod", "", "web", "server"])).toBe(
      "shop-prod-web-server",
    );
  });

  it("names the resource kind, the name, its length and the AWS limit when a name is too long", () => {
    const name = ["a".repeat(20), "b".repeat(10), "c".repeat(20), "image-optimizer"];
    expect(() => physicalName("lambdaFunction", name)).toThrow(ValidationError);
    expect(() => physicalName("lambdaFunction", name)).toThrow(
      /Lambda function name "a{20}-b{10}-c{20}-image-optimizer" is 68 characters; AWS allows at most 64/,
    );
  });

  it("says which characters are allowed when a name has others", () => {
    expect(nameProblem("s3Bucket", "Shop_Assets")).toMatch(
      /S3 bucket name "Shop_Assets" is not allowed; AWS allows lowercase letters/,
    );
    expect(nameProblem("rdsInstance", "shop--db")).toMatch(/no two hyphens in a row/);
    expect(nameProblem("loadBalancer", "-shop")).toBeDefined();
  });

  it("accepts exactly the names within every kind's limit", () => {
    const kinds = Object.keys(NAME_RULES) as NameKind[];
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.integer({ min: 7, max: 600 }), (kind, length) => {
        // A run of "a" is valid for every kind's characters; KMS aliases also need their prefix.
        const name = kind === "kmsAlias" ? `alias/${"a".repeat(length - 6)}` : "a".repeat(length);
        const problem = nameProblem(kind, name);
        return length <= NAME_RULES[kind].maxLength
          ? problem === undefined
          : problem?.includes(`at most ${NAME_RULES[kind].maxLength}`) === true;
      }),
    );
  });
});

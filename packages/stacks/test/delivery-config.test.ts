import { parseConfig } from "../src";
import { configWith, problemsOf } from "./fixtures";

/** The fixture with delivery on and S3 state in both environments. */
const withDelivery = (change: (c: Record<string, any>) => void = () => {}) =>
  configWith((c) => {
    c.delivery = { repository: "acme/shop", connection: { provider: "GitHub" } };
    c.environments.dev.state = { backend: "s3", bucket: "shop-tfstate-111111111111" };
    change(c);
  });

describe("delivery config", () => {
  it("is optional, and needs only the repository and the connection", () => {
    expect(parseConfig(configWith(() => {})).delivery).toBeUndefined();
    const config = parseConfig(withDelivery());
    expect(config.delivery).toEqual({
      repository: "acme/shop",
      connection: { provider: "GitHub" },
    });
    expect(config.environments.prod!.delivery).toEqual({});
    expect(config.apps[0]!.watchPaths).toEqual([]);
  });

  it("takes a shared connection by ARN, and an environment's own deploy role", () => {
    const arn =
      "arn:aws:codeconnections:eu-west-1:222222222222:connection/0123abcd-4567-89ef-0123-456789abcdef";
    const config = parseConfig(
      withDelivery((c) => {
        c.delivery.connection = { arn };
        c.environments.prod.delivery = {
          approval: false,
          deployRoleArn: "arn:aws:iam::222222222222:role/platform-terraform",
        };
      }),
    );
    expect(config.delivery!.connection).toEqual({ arn });
    expect(config.environments.prod!.delivery.approval).toBe(false);
  });

  it("needs S3 state in every environment: a pipeline's build starts from nothing", () => {
    const problems = problemsOf(
      withDelivery((c) => {
        delete c.environments.dev.state;
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^environments\.dev\.state: must be \{ backend: "s3", bucket: "\.\.\." \} when delivery is set/,
      ),
    ]);
  });

  it.each([
    [{ repository: "shop", connection: { provider: "GitHub" } }, "delivery.repository"],
    [{ repository: "acme/shop", connection: { provider: "Gitea" } }, "delivery.connection"],
    [
      { repository: "acme/shop", connection: { arn: "arn:aws:iam::1:role/x" } },
      "delivery.connection",
    ],
    [{ repository: "acme/shop" }, "delivery.connection"],
  ])("refuses %j, naming %s", (delivery, field) => {
    const problems = problemsOf(withDelivery((c) => (c.delivery = delivery)));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${field.replace(".", "\\.")}`));
  });

  it("refuses more than 4 watch paths and paths outside the repository", () => {
    expect(
      problemsOf(
        withDelivery((c) => (c.apps[0].watchPaths = ["a/**", "b/**", "c/**", "d/**", "e/**"])),
      ),
    ).toEqual([expect.stringMatching(/^apps\[0\]\.watchPaths = .*: must list at most 4 paths/)]);
    expect(problemsOf(withDelivery((c) => (c.apps[0].watchPaths = ["../x/**"])))).toEqual([
      expect.stringMatching(
        /^apps\[0\]\.watchPaths\[0\] = "\.\.\/x\/\*\*": must be a glob relative/,
      ),
    ]);
  });
});

/**
 * renderPlanMarkdown and renderPlanText on recorded real plans (test/fixtures/plans, made by
 * make-fixtures.mjs there: real `terraform show -json` output, trimmed to what the renderer reads),
 * plus a few hand-written plans for what Terraform cannot be made to produce offline here
 * (forget, deposed objects, create-before-destroy, an unknown action list); those are marked
 * "hand-written" where they are built.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parsePlan, PlanFormatError, type StackPlan, type TerraformPlan } from "../src/plan/model";
import {
  allot,
  GITHUB_COMMENT_LIMIT,
  planMarker,
  renderPlanMarkdown,
  renderPlanText,
} from "../src/plan/render";
import { STATEFUL_RESOURCE_TYPES } from "../src/plan/summary";

const FIXTURES = path.join(__dirname, "fixtures/plans");

function fixture(set: "first-deploy" | "changes", stack: string): TerraformPlan {
  return parsePlan(JSON.parse(fs.readFileSync(path.join(FIXTURES, set, `${stack}.json`), "utf8")));
}

const firstDeploy: StackPlan[] = ["zonke-dev-network", "zonke-dev-site"].map((stack) => ({
  stack,
  plan: fixture("first-deploy", stack),
}));
const changes: StackPlan[] = [
  "zonke-dev-api-registry",
  "zonke-dev-site-registry",
  "zonke-dev-store-api-registry",
  "zonke-dev-store-registry",
].map((stack) => ({ stack, plan: fixture("changes", stack) }));

/** The table's row for a stack: [to add, to change, to replace, to destroy, note]. */
function row(markdown: string, stack: string): string[] {
  const line = markdown.split("\n").find((l) => l.startsWith(`| \`${stack}\` |`));
  if (line === undefined) throw new Error(`no table row for ${stack} in:\n${markdown}`);
  return line
    .split(" | ")
    .slice(1)
    .map((cell) => cell.replace(/ ?\|$/, "").trim());
}

/** A stack's `<details>` block. */
function details(markdown: string, stack: string): string {
  const start = markdown.indexOf(`<summary><code>${stack}</code>`);
  if (start < 0) throw new Error(`no details for ${stack}`);
  return markdown.slice(start, markdown.indexOf("</details>", start));
}

/** The lines listed under a group heading (`**Create** (58)`) of a details block. */
function group(block: string, heading: string): string[] {
  const start = block.indexOf(`**${heading}**`);
  if (start < 0) return [];
  const lines = block.slice(start).split("\n").slice(1);
  const items: string[] = [];
  for (const line of lines) {
    if (line.startsWith("**")) break;
    if (line.startsWith("- ")) items.push(line);
  }
  return items;
}

describe("renderPlanMarkdown on real first-deploy plans", () => {
  const markdown = renderPlanMarkdown(firstDeploy, { title: "Terraform plan: dev" });

  it("starts with the hidden marker and the title", () => {
    expect(markdown.split("\n").slice(0, 2)).toEqual([
      "<!-- zonke-plan -->",
      "### Terraform plan: dev",
    ]);
  });

  it("counts creates per stack and in total, and does not count reads", () => {
    // network: 33 resource changes, 1 of them a data source read; site: 64, 6 reads.
    expect(row(markdown, "zonke-dev-network").slice(0, 4)).toEqual(["32", "0", "0", "0"]);
    expect(row(markdown, "zonke-dev-site").slice(0, 4)).toEqual(["58", "0", "0", "0"]);
    expect(markdown).toContain("| **Total** | **90** | **0** | **0** | **0** |");
    expect(markdown).not.toContain("data.aws_iam_policy_document");
  });

  it("marks nothing at risk when everything is new", () => {
    expect(markdown).not.toContain("⚠");
    expect(markdown).not.toContain("Data at risk");
  });

  it("lists every created address in a collapsed block per stack", () => {
    const site = details(markdown, "zonke-dev-site");
    expect(markdown).toContain(
      "<details><summary><code>zonke-dev-site</code>: 58 to add</summary>",
    );
    const created = group(site, "Create");
    expect(created).toHaveLength(58);
    expect(created).toContain("- `aws_db_instance.Database_Instance_02E622FB`");
    expect(group(site, "Outputs")).toEqual([
      "- create (8): `assets_bucket`, `distribution_id`, `manage_function`, `manage_version`, `migrator_function`, `secret_arn`, `server_function`, `url`",
    ]);
  });

  it("fits well within GitHub's limit and names the Terraform version", () => {
    expect(markdown.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(markdown).toContain("Terraform 1.11.4");
    expect(markdown).not.toContain("Shortened");
  });
});

describe("renderPlanMarkdown on real change plans", () => {
  const markdown = renderPlanMarkdown(changes, { environments: ["dev"] });

  it("carries the environment in the marker", () => {
    expect(markdown.split("\n")[0]).toBe("<!-- zonke-plan env=dev -->");
    expect(planMarker(["prod", "dev"])).toBe("<!-- zonke-plan env=dev,prod -->");
    expect(planMarker(["a -->b"])).toBe("<!-- zonke-plan env=a_--_b -->");
  });

  it("counts updates, replacements and destroys", () => {
    expect(row(markdown, "zonke-dev-site-registry")).toEqual(["0", "1", "1", "1", ""]);
    expect(row(markdown, "zonke-dev-api-registry").slice(0, 4)).toEqual(["1", "0", "0", "1"]);
    expect(row(markdown, "zonke-dev-store-registry").slice(0, 4)).toEqual(["0", "0", "1", "0"]);
    expect(row(markdown, "zonke-dev-store-api-registry")).toEqual([
      "0",
      "0",
      "0",
      "0",
      "no changes",
    ]);
    expect(markdown).toContain("| **Total** | **1** | **1** | **2** | **2** |");
  });

  it("marks destroys and replacements of stateful resources, and only those", () => {
    expect(row(markdown, "zonke-dev-api-registry")[4]).toBe("⚠ destroys `aws_ecr_repository`");
    expect(row(markdown, "zonke-dev-store-registry")[4]).toBe("⚠ replaces `aws_ecr_repository`");
    // A lifecycle policy replaced and a repository policy destroyed lose no data.
    expect(row(markdown, "zonke-dev-site-registry")[4]).toBe("");
    expect(markdown).toContain("> **Data at risk**: 2 stateful resources");
    expect(markdown).toContain(
      "> - `zonke-dev-api-registry`: `aws_ecr_repository.Images_2D38C313` (destroy)",
    );
    expect(markdown).toContain(
      "> - `zonke-dev-store-registry`: `aws_ecr_repository.Images_2D38C313` (replace)",
    );
    expect(STATEFUL_RESOURCE_TYPES).toEqual(
      new Set([
        "aws_db_instance",
        "aws_rds_cluster",
        "aws_s3_bucket",
        "aws_secretsmanager_secret",
        "aws_ecr_repository",
        "aws_dynamodb_table",
        "aws_efs_file_system",
        "aws_kms_key",
      ]),
    );
  });

  it("groups a stack's addresses by change, in order, with why", () => {
    const block = details(markdown, "zonke-dev-site-registry");
    expect(block).toMatch(
      /^<summary><code>zonke-dev-site-registry<\/code>: 1 to change, 1 to replace, 1 to destroy<\/summary>/,
    );
    const headings = [...block.matchAll(/^\*\*(.+?)\*\*/gm)].map((m) => m[1]);
    expect(headings).toEqual(["Update in place", "Replace", "Destroy"]);
    expect(group(block, "Update in place")).toEqual(["- `aws_ecr_repository.Images_2D38C313`"]);
    expect(group(block, "Replace")).toEqual([
      "- `aws_ecr_lifecycle_policy.Images_Lifecycle_2010D2A1` (forced by `policy`)",
    ]);
    expect(group(block, "Destroy")).toEqual([
      "- `aws_ecr_repository_policy.Images_LambdaPull_73BC83D6` (removed from the configuration)",
    ]);
    // No-op resources and unchanged outputs are not listed.
    expect(block).not.toContain("Outputs");

    const store = details(markdown, "zonke-dev-store-registry");
    expect(group(store, "Replace")).toEqual([
      "- ⚠ `aws_ecr_repository.Images_2D38C313` (forced by `encryption_configuration[0].encryption_type`)",
    ]);
    expect(group(store, "Outputs")).toEqual(["- update (1): `repository_url`"]);
    const api = details(markdown, "zonke-dev-api-registry");
    expect(group(api, "Create")).toEqual(["- `aws_ecr_repository.Repository_5F1C2A3B`"]);
    expect(group(api, "Destroy")).toEqual([
      "- ⚠ `aws_ecr_repository.Images_2D38C313` (removed from the configuration)",
    ]);
  });

  it("gives a stack without changes no details block", () => {
    expect(markdown).not.toContain("<code>zonke-dev-store-api-registry</code>");
    expect(markdown.match(/<details>/g)).toHaveLength(3);
  });

  it("never shows an attribute value", () => {
    // The fixtures hold none (trimmed); the renderer must not invent any from names either.
    expect(markdown).not.toMatch(/before|after|111111111111/);
  });
});

describe("failed and incomplete plans", () => {
  const error = [
    "terraform plan failed:",
    "Error: Unable to find remote state",
    "",
    "  with data.terraform_remote_state.network,",
    "  ``` a fence in the message ```",
  ].join("\n");
  const markdown = renderPlanMarkdown([
    ...changes.slice(0, 1),
    { stack: "zonke-dev-site", error, notes: ["a note"] },
  ]);

  it("shows the stack with ❌ and dashes instead of numbers, and says so in the total", () => {
    expect(row(markdown, "zonke-dev-site")).toEqual(["–", "–", "–", "–", "❌ plan failed"]);
    expect(markdown).toContain("❌ 1 of 2 stacks without a full plan");
  });

  it("shows Terraform's error, open, in a fence its own backticks cannot close", () => {
    expect(markdown).toContain(
      "<details open><summary><code>zonke-dev-site</code>: ❌ plan failed",
    );
    const block = details(markdown, "zonke-dev-site");
    expect(block).toContain("````text\nterraform plan failed:\nError: Unable to find remote state");
    expect(block).toContain("  ``` a fence in the message ```\n````");
    expect(block).toContain("_a note_");
  });

  it("marks a plan that stopped on an error (errored: true) as incomplete", () => {
    const errored = renderPlanMarkdown([
      { stack: "s", plan: { ...fixture("changes", "zonke-dev-store-registry"), errored: true } },
    ]);
    expect(row(errored, "s")).toEqual([
      "0",
      "0",
      "1",
      "0",
      "❌ plan stopped on an error: incomplete; ⚠ replaces `aws_ecr_repository`",
    ]);
  });
});

describe("actions real plans here do not show (hand-written plans)", () => {
  const handWritten: TerraformPlan = {
    format_version: "1.2",
    resource_changes: [
      {
        address: "aws_s3_bucket.assets",
        type: "aws_s3_bucket",
        change: { actions: ["create", "delete"] },
      },
      {
        address: "aws_db_instance.db",
        type: "aws_db_instance",
        deposed: "a1b2c3d4",
        change: { actions: ["delete"] },
      },
      {
        address: "aws_secretsmanager_secret.app",
        type: "aws_secretsmanager_secret",
        change: { actions: ["forget"] },
      },
      {
        address: "aws_iam_role.r",
        type: "aws_iam_role",
        change: { actions: ["create", "forget"] },
      },
      {
        address: 'aws_ssm_parameter.p["a|b`c"]',
        type: "aws_ssm_parameter",
        change: { actions: ["update"] },
      },
      {
        address: "data.aws_caller_identity.me",
        type: "aws_caller_identity",
        mode: "data",
        change: { actions: ["read"] },
      },
    ],
    output_changes: { gone: { actions: ["delete"] }, same: { actions: ["no-op"] } },
  };
  const markdown = renderPlanMarkdown([{ stack: "x|<y>", plan: handWritten }]);
  const block = markdown.slice(markdown.indexOf("<details>"));

  it("counts create-before-destroy as a replacement and a deposed delete as a destroy, both ⚠", () => {
    expect(markdown).toContain(
      "| `x\\|<y>` | 0 | 2 | 1 | 1 | ⚠ replaces `aws_s3_bucket`; ⚠ destroys `aws_db_instance`; forgets 1 |",
    );
    expect(block).toContain("- ⚠ `aws_s3_bucket.assets` (create before destroy)");
    expect(block).toContain("- ⚠ `aws_db_instance.db` (deposed object `a1b2c3d4`)");
  });

  it("lists forgets on their own and shows unknown action lists as changes, spelled out", () => {
    expect(group(block, "Forget (removed from the state, left in AWS)")).toEqual([
      "- `aws_secretsmanager_secret.app`",
    ]);
    expect(group(block, "Update in place")).toEqual([
      "- `aws_iam_role.r` (actions: create, forget)",
      '- `` aws_ssm_parameter.p["a|b`c"] ``',
    ]);
    expect(group(block, "Outputs")).toEqual(["- delete (1): `gone`"]);
  });

  it("escapes the stack name in HTML and table cells", () => {
    expect(markdown).toContain("<summary><code>x|&lt;y&gt;</code>:");
    // In Markdown code spans `<` is literal text; only the table needs its `|` escaped.
    expect(markdown).toContain("| `x\\|<y>` |");
  });
});

describe("long comments", () => {
  // 120 stacks of the real site plan (58 creates each) under made-up names, plus the real
  // change plans: far beyond GitHub's limit.
  const many: StackPlan[] = [
    ...changes,
    ...Array.from({ length: 120 }, (_, i) => ({
      stack: `zonke-dev-app${String(i).padStart(3, "0")}`,
      plan: fixture("first-deploy", "zonke-dev-site"),
    })),
  ];
  const full = renderPlanMarkdown(many, { maxLength: Infinity });
  const markdown = renderPlanMarkdown(many);

  it("stays within 65,536 characters, and would not without shortening", () => {
    expect(full.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT * 4);
    expect(markdown.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    // It uses the room it has: within 2% of the limit.
    expect(markdown.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT * 0.98);
  });

  it("keeps the marker and the whole table, with the same numbers", () => {
    expect(markdown.split("\n")[0]).toBe("<!-- zonke-plan -->");
    const tableOf = (text: string) => text.split("\n").filter((line) => line.startsWith("| "));
    expect(tableOf(markdown)).toEqual(tableOf(full));
    expect(tableOf(markdown)).toHaveLength(2 + many.length + 1);
    expect(row(markdown, "zonke-dev-app119").slice(0, 4)).toEqual(["58", "0", "0", "0"]);
  });

  it("says that it is shortened and by how much", () => {
    const listed = (text: string) => (text.match(/^- (⚠ )?`/gm) ?? []).length;
    const note =
      /> Shortened to fit GitHub's limit of 65,536 characters: (\d+) resource addresses and (\d+) output names are left out/.exec(
        markdown,
      );
    expect(note).not.toBeNull();
    expect(listed(markdown) + Number(note![1])).toBe(listed(full));
    expect(markdown).toContain("- … and ");
    expect(full).not.toContain("Shortened");
  });

  it("cuts creates before destroys and replacements", () => {
    for (const stack of [
      "zonke-dev-api-registry",
      "zonke-dev-site-registry",
      "zonke-dev-store-registry",
    ]) {
      const block = details(markdown, stack);
      for (const heading of ["Replace", "Destroy"]) {
        expect(block.split(`**${heading}**`).length).toBe(
          details(full, stack).split(`**${heading}**`).length,
        );
      }
      expect(group(block, "Destroy")).toEqual(group(details(full, stack), "Destroy"));
    }
    expect(group(details(markdown, "zonke-dev-app000"), "Create").length).toBeLessThan(58);
  });

  it("shares the room evenly between lists", () => {
    expect(allot([58, 3, 58, 0], Infinity)).toEqual([58, 3, 58, 0]);
    expect(allot([58, 3, 58, 0], 20)).toEqual([9, 3, 8, 0]);
    expect(allot([58, 3, 58, 0], 0)).toEqual([0, 0, 0, 0]);
    expect(allot([5, 5], 100)).toEqual([5, 5]);
  });

  it("drops lists, then details, to fit a smaller limit, and always fits", () => {
    for (const maxLength of [30_000, 12_000, 6_000]) {
      const text = renderPlanMarkdown(many, { maxLength });
      expect(text.length).toBeLessThanOrEqual(maxLength);
      expect(text.split("\n")[0]).toBe("<!-- zonke-plan -->");
      expect(text).toContain("> Shortened");
    }
    // With room for the details of a few stacks only, the stacks with data at risk keep theirs.
    const small = renderPlanMarkdown(many, { maxLength: 9_000 });
    expect(small).toMatch(/the details of \d+ stacks are left out/);
    expect(small).toContain(
      "- ⚠ `aws_ecr_repository.Images_2D38C313` (removed from the configuration)",
    );
    expect(small).toContain(
      "- ⚠ `aws_ecr_repository.Images_2D38C313` (forced by `encryption_configuration[0].encryption_type`)",
    );
    expect(small).not.toContain("<code>zonke-dev-app119</code>");
    const tiny = renderPlanMarkdown(many, { maxLength: 2_000 });
    expect(tiny.length).toBeLessThanOrEqual(2_000);
    expect(tiny).toMatch(/the table shows \d+ of 124 stacks/);
  });
});

describe("parsePlan", () => {
  it.each([
    [[], "not a JSON object"],
    [{ resource_changes: [] }, "no format_version"],
    [{ format_version: "2.0", resource_changes: [] }, "format_version 2.0 is not supported"],
    [{ format_version: "1.0", values: {} }, "this is a state, not a plan"],
    [{ format_version: "1.2", resource_changes: {} }, "resource_changes is not a list"],
    [
      { format_version: "1.2", resource_changes: [{ address: "a.b", type: "a", change: {} }] },
      "resource_changes[0] (a.b) has no change.actions list",
    ],
    [
      { format_version: "1.2", resource_changes: [{ type: "a" }] },
      "resource_changes[0] has no address",
    ],
    [{ format_version: "1.2", output_changes: { x: {} } }, "output_changes.x has no actions list"],
  ])("refuses %j", (json, message) => {
    expect(() => parsePlan(json)).toThrow(PlanFormatError);
    expect(() => parsePlan(json)).toThrow(message);
  });

  it("accepts a plan without changes", () => {
    expect(parsePlan({ format_version: "1.2", planned_values: {} })).toEqual({
      format_version: "1.2",
      planned_values: {},
    });
  });
});

describe("renderPlanText", () => {
  it("prints an aligned table and every changed address", () => {
    const text = renderPlanText([...changes, { stack: "zonke-dev-site", error: "Error: boom" }]);
    expect(text.split("\n").slice(0, 8)).toEqual([
      "stack                         to add  to change  to replace  to destroy  notes",
      "----------------------------  ------  ---------  ----------  ----------  -----------------------------",
      "zonke-dev-api-registry             1          0           0           1  ⚠ destroys aws_ecr_repository",
      "zonke-dev-site-registry            0          1           1           1",
      "zonke-dev-store-api-registry       0          0           0           0  no changes",
      "zonke-dev-store-registry           0          0           1           0  ⚠ replaces aws_ecr_repository",
      "zonke-dev-site                     -          -           -           -  plan failed",
      "total                              1          1           2           2",
    ]);
    expect(text).toContain(
      "zonke-dev-store-registry:\n  replace (1):\n    ⚠ aws_ecr_repository.Images_2D38C313 (forced by encryption_configuration[0].encryption_type)\n  outputs to update: repository_url\n",
    );
    expect(text).toContain("zonke-dev-site:\n    Error: boom\n");
  });
});

/**
 * The Dockerfile template and the one rendered into the context: base pinned by digest, no RUN,
 * non-root numeric USER after the files are in, ENV, WORKDIR, CMD, and the health check it
 * documents.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { healthCheckCommand } from "../src/health-check";
import { DOCKERFILE_TEMPLATE, renderDockerfile } from "../src/prepare-context";
import { argDefaults, env, expand, instructions, last } from "./support/dockerfile";
import { fixture } from "./support/fixture";

const template = readFileSync(DOCKERFILE_TEMPLATE, "utf8");
const { contextDir } = fixture();
const rendered = readFileSync(path.join(contextDir, "Dockerfile"), "utf8");
const steps = instructions(template);
const keywords = steps.map((step) => step.keyword);

describe("the Dockerfile template", () => {
  test("one stage, FROM the NODE_IMAGE argument", () => {
    expect(keywords.filter((k) => k === "FROM")).toHaveLength(1);
    expect(last(template, "FROM")?.args).toBe("${NODE_IMAGE}");
    // The ARG that FROM uses comes before it (a global ARG).
    expect(keywords.indexOf("ARG")).toBeLessThan(keywords.indexOf("FROM"));
  });

  test("the base is node 22 on Debian bookworm slim, pinned by a sha256 digest", () => {
    const base = argDefaults(template)["NODE_IMAGE"];
    expect(base).toMatch(/^node:22(?:\.\d+\.\d+)?-bookworm-slim@sha256:[0-9a-f]{64}$/);
  });

  test("nothing runs while it builds: no RUN, ADD or HEALTHCHECK", () => {
    expect(keywords.filter((k) => ["RUN", "ADD", "HEALTHCHECK"].includes(k))).toEqual([]);
    expect(new Set(keywords)).toEqual(
      new Set(["ARG", "FROM", "ENV", "COPY", "WORKDIR", "USER", "EXPOSE", "CMD"]),
    );
  });

  test("runs as a non-root numeric user, set after every COPY", () => {
    const user = last(template, "USER")?.args ?? "";
    expect(user).toMatch(/^\d+:\d+$/);
    const [uid, gid] = user.split(":").map(Number);
    expect(uid).toBeGreaterThan(0);
    expect(gid).toBeGreaterThan(0);
    expect(keywords.lastIndexOf("USER")).toBeGreaterThan(keywords.lastIndexOf("COPY"));
  });

  test("copies the app tree only, without --chown (the files stay root's)", () => {
    const copies = steps.filter((step) => step.keyword === "COPY").map((step) => step.args);
    expect(copies).toEqual(["app/ /app/"]);
  });

  test("sets production, the listen address and port, no telemetry", () => {
    expect(env(template)).toEqual({
      NODE_ENV: "production",
      HOSTNAME: "0.0.0.0",
      PORT: "3000",
      NEXT_TELEMETRY_DISABLED: "1",
    });
    expect(last(template, "EXPOSE")?.args).toBe(env(template)["PORT"]);
  });

  test("CMD node server.js (exec form) in the app's directory under /app", () => {
    expect(JSON.parse(last(template, "CMD")?.args ?? "null")).toEqual(["node", "server.js"]);
    expect(last(template, "WORKDIR")?.args).toBe("/app/${APP_PATH}");
    expect(argDefaults(template)).toHaveProperty("APP_PATH", undefined);
    expect(keywords.indexOf("WORKDIR")).toBeGreaterThan(keywords.lastIndexOf("ARG"));
  });

  test("documents the health check command that healthCheckCommand() returns", () => {
    const documented = /^#\s+(\["CMD", "node", "-e", .*\])$/m.exec(template)?.[1];
    expect(documented).toBeDefined();
    expect(JSON.parse(documented as string)).toEqual(healthCheckCommand("/"));
  });
});

describe("the context's Dockerfile", () => {
  test("is the template with the app's path as APP_PATH's default", () => {
    expect(argDefaults(rendered)["APP_PATH"]).toBe("apps/example-next");
    expect(rendered).toBe(template.replace(/^ARG APP_PATH$/m, "ARG APP_PATH=apps/example-next"));
  });

  test("every COPY source is in the context, and WORKDIR holds server.js", () => {
    for (const step of instructions(rendered).filter((s) => s.keyword === "COPY")) {
      const [source] = step.args.split(/\s+/);
      expect(existsSync(path.join(contextDir, source as string))).toBe(true);
    }
    const workdir = expand(last(rendered, "WORKDIR")?.args ?? "", argDefaults(rendered));
    expect(workdir).toBe("/app/apps/example-next");
    expect(
      existsSync(path.join(contextDir, "app", workdir.slice("/app/".length), "server.js")),
    ).toBe(true);
  });
});

describe("renderDockerfile", () => {
  test("an app at the tree's root", () => {
    expect(renderDockerfile("ARG APP_PATH\nWORKDIR /app/${APP_PATH}\n", ".")).toBe(
      "ARG APP_PATH=.\nWORKDIR /app/${APP_PATH}\n",
    );
  });

  test("refuses a template without exactly one ARG APP_PATH", () => {
    expect(() => renderDockerfile("FROM x\n", "apps/web")).toThrow(
      'the Dockerfile template must have exactly one line "ARG APP_PATH" (found 0)',
    );
    expect(() => renderDockerfile("ARG APP_PATH\nARG APP_PATH\n", "apps/web")).toThrow("(found 2)");
  });

  test.each(["apps/my app", "../web", "apps/$HOME", "apps/web\nRUN rm -rf /"])(
    "refuses the app path %j",
    (appPath) => {
      expect(() => renderDockerfile("ARG APP_PATH\n", appPath)).toThrow(/cannot be a WORKDIR/);
    },
  );
});

describe("healthCheckCommand", () => {
  test("asks 127.0.0.1 at $PORT for the path", () => {
    const [cmd, node, flag, script] = healthCheckCommand("/status", 2000);
    expect([cmd, node, flag]).toEqual(["CMD", "node", "-e"]);
    expect(script).toContain("'http://127.0.0.1:'+(process.env.PORT||3000)+'/status'");
    expect(script).toContain("AbortSignal.timeout(2000)");
  });

  test.each(["status", "/a'b", "/a b", ""])("refuses the path %j", (bad) => {
    expect(() => healthCheckCommand(bad)).toThrow(
      /must start with \/ and hold only URL characters/,
    );
  });
});

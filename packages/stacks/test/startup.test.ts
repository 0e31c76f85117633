import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT, tempDir } from "./helpers";

// Runs in a real Node process: jest's module registry would bypass require.cache.
function runNode(script: string) {
  return spawnSync(process.execPath, ["-e", script], { cwd: REPO_ROOT, encoding: "utf8" });
}

describe("the CLI's startup module", () => {
  const dir = tempDir("startup");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("still zips archive assets, without loading archiver in the synth process", () => {
    fs.writeFileSync(path.join(dir, "handler.js"), "exports.handler = async () => 'ok';\n");
    const script = `
      require("./packages/stacks/dist/startup");
      const archiverPath = require("module").createRequire(require.resolve("cdktf")).resolve("archiver");
      const { App, TerraformStack, TerraformAsset, AssetType } = require("cdktf");
      const before = typeof require.cache[archiverPath].exports.create;
      const app = new App({ outdir: ${JSON.stringify(path.join(dir, "out"))} });
      const stack = new TerraformStack(app, "assets");
      const asset = new TerraformAsset(stack, "code", { path: ${JSON.stringify(dir)}, type: AssetType.ARCHIVE });
      app.synth();
      const after = typeof require.cache[archiverPath].exports.create;
      console.log(JSON.stringify({ before, after, zip: asset.path }));
    `;
    const result = runNode(script);
    expect(result.stderr).toBe("");
    const { before, after, zip } = JSON.parse(result.stdout) as Record<string, string>;
    // Still the placeholder (the real module has a create function): cdktf zipped in a child.
    expect(before).toBe("undefined");
    expect(after).toBe("undefined");
    const archive = fs.readFileSync(path.join(dir, "out/stacks/assets", zip!));
    expect(archive.subarray(0, 2).toString()).toBe("PK");
  });

  it("stops cdktf recording a stack trace for every token", () => {
    const result = runNode(`
      require("./packages/stacks/dist/startup");
      const { Token } = require("cdktf");
      const token = Token.asAny({ resolve: () => 1 });
      console.log(JSON.stringify(require("cdktf/lib/tokens/private/stack-trace").captureStackTrace()));
    `);
    expect(result.stdout.trim()).toBe("[]");
  });
});

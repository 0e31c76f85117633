/**
 * Small handlers written into a temporary task root (outside the repository, as a zip would be
 * extracted), one module per kind the runtime loads: streaming ESM, buffered CommonJS `.js`, a
 * callback `.cjs`, one that fails at init, and one that needs a module only the "runtime" folder
 * (`nodePath`) provides.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const MODULES: Record<string, string> = {
  // A streaming handler that answers with what it was given and what it sees of its process.
  "stream.mjs": `
const visibleEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "PATH"));
export const handler = awslambda.streamifyResponse(async (event, stream, context) => {
  const http = awslambda.HttpResponseStream.from(stream, {
    statusCode: 201,
    headers: { "content-type": "application/json", "x-handler": "stream" },
    cookies: ["a=1; Path=/", "b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/"],
  });
  http.write(JSON.stringify({ event, env: visibleEnv(), pid: process.pid, cwd: process.cwd(),
    remainingMs: context.getRemainingTimeInMillis() }));
  http.end();
});
`,
  // Buffered, CommonJS: behaviour chosen by the event.
  "buffered.js": `
const http = require("node:http");
let active = 0;
let maxActive = 0;
exports.handler = async (event) => {
  active += 1;
  maxActive = Math.max(maxActive, active);
  try {
    if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
    if (event.fail) throw Object.assign(new Error("it went wrong"), { name: "CustomError" });
    if (event.exit) process.exit(3);
    if (event.plain) return { hello: "world" };
    if (event.nodeResponse) {
      const res = new http.ServerResponse(new http.IncomingMessage(null));
      res.end();
    }
    return { statusCode: 202, headers: { "content-type": "text/plain" }, cookies: ["c=3"],
      body: Buffer.from("bytes " + process.pid).toString("base64"), isBase64Encoded: true,
      pid: process.pid, maxActive };
  } finally {
    active -= 1;
  }
};
`,
  "callback.cjs": `
exports.handler = (event, context, callback) => {
  setTimeout(() => callback(null, { statusCode: 200, body: "called back " + event.n }), 10);
};
`,
  "broken.mjs": `
console.log("starting");
throw new TypeError("cannot start: no config");
`,
  "needs-runtime.js": `
exports.handler = async () => ({ statusCode: 200, body: require("runtime-only").greeting });
`,
  "runtime/node_modules/runtime-only/index.js": `exports.greeting = "from the runtime";`,
};

export interface TestFunctions {
  /** The task root holding every module above. */
  readonly taskRoot: string;
  /** A folder to pass as `nodePath`, holding `runtime-only`. */
  readonly runtimeModules: string;
  remove(): void;
}

export function writeTestFunctions(): TestFunctions {
  const taskRoot = mkdtempSync(path.join(tmpdir(), "zonke-lambda-local-test-"));
  for (const [name, source] of Object.entries(MODULES)) {
    const file = path.join(taskRoot, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, source.trimStart());
  }
  return {
    taskRoot,
    runtimeModules: path.join(taskRoot, "runtime", "node_modules"),
    remove: () => rmSync(taskRoot, { recursive: true, force: true }),
  };
}

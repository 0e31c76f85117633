/**
 * Finds and loads a handler the way the Node.js runtime does (aws-lambda-nodejs-runtime-interface-
 * client, UserFunction.js): `_HANDLER` is `<module>.<export>[.<nested>...]`, the module path is
 * relative to the task root, and the file is tried as `.js`, `.mjs`, then `.cjs`. A `.js` file is
 * an ES module when the nearest package.json says `"type": "module"`, else CommonJS; `.mjs` is
 * imported, `.cjs` required. Errors carry the runtime's error types.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

export class HandlerLoadError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = errorType;
  }
}

export async function loadHandler(taskRoot: string, handlerString: string): Promise<unknown> {
  const { modulePath, exportPath } = splitHandlerString(handlerString);
  const base = path.resolve(taskRoot, modulePath);
  const file = [".js", ".mjs", ".cjs"].map((ext) => base + ext).find((f) => existsSync(f));
  if (!file) {
    throw new HandlerLoadError("Runtime.ImportModuleError", `Cannot find module '${modulePath}'`);
  }
  const loaded = isEsModule(file)
    ? ((await import(pathToFileURL(file).href)) as Record<string, unknown>)
    : (createRequire(file)(file) as Record<string, unknown>);
  const handler = exportPath.reduce<unknown>(
    (value, key) =>
      typeof value === "object" || typeof value === "function"
        ? (value as Record<string, unknown> | null)?.[key]
        : undefined,
    loaded,
  );
  if (typeof handler !== "function") {
    throw new HandlerLoadError(
      "Runtime.HandlerNotFound",
      `${handlerString} is undefined or not exported`,
    );
  }
  return handler;
}

function splitHandlerString(handlerString: string): { modulePath: string; exportPath: string[] } {
  const directory = path.posix.dirname(handlerString);
  const [moduleName, ...exportPath] = path.posix.basename(handlerString).split(".");
  if (!moduleName || exportPath.length === 0 || exportPath.some((key) => key === "")) {
    throw new HandlerLoadError(
      "Runtime.MalformedHandlerName",
      `Bad handler ${JSON.stringify(handlerString)}: use <module>.<export>, e.g. index.handler`,
    );
  }
  return { modulePath: path.posix.join(directory, moduleName), exportPath };
}

function isEsModule(file: string): boolean {
  if (file.endsWith(".mjs")) return true;
  if (file.endsWith(".cjs")) return false;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) {
      return (JSON.parse(readFileSync(manifest, "utf8")) as { type?: string }).type === "module";
    }
    if (path.dirname(dir) === dir) return false;
  }
}

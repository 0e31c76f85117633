/**
 * The `--exports <file>` of `zonke deploy`: `KEY='value'` lines that a shell sources (the deploy
 * buildspec runs `. deploy.env`, then CodeBuild exports the variables to the next stage).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../errors";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `value` as one single-quoted shell word: everything inside single quotes is literal (newlines,
 * `$`, `\`, `"`, `!`), and a single quote becomes `'\''` (close, an escaped quote, reopen).
 * Throws for a NUL character, which no shell variable can hold.
 */
export function shellQuote(value: string): string {
  if (value.includes("\0")) throw new Error("a shell variable cannot hold a NUL character");
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** `KEY='value'` lines, in the given order, ending with a newline. */
export function renderExports(variables: Readonly<Record<string, string>>): string {
  return Object.entries(variables)
    .map(([name, value]) => {
      if (!NAME.test(name)) throw new Error(`"${name}" is not a shell variable name`);
      return `${name}=${shellQuote(value)}\n`;
    })
    .join("");
}

/** `--exports <file>`: its folder must exist and it must not be a folder (checked before any work). */
export function checkExportsFile(file: string, cwd: string): string {
  const absolute = path.resolve(cwd, file);
  if (fs.existsSync(absolute) && fs.statSync(absolute).isDirectory()) {
    throw new UsageError(`--exports ${file}: is a folder; give a file name`);
  }
  const dir = path.dirname(absolute);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new UsageError(`--exports ${file}: the folder ${path.dirname(file)} does not exist`);
  }
  return absolute;
}

/** Writes the file whole or not at all (a temporary file renamed over it); `shown` names it. */
export function writeExportsFile(
  file: string,
  shown: string,
  variables: Readonly<Record<string, string>>,
): void {
  const text = renderExports(variables);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, text, { mode: 0o644 });
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw new UsageError(
      `--exports ${shown}: cannot write it (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
}

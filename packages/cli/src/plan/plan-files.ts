import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../errors";
import { parsePlan, PlanFormatError, type TerraformPlan } from "./model";

export interface PlanFile {
  /** The stack's name: the file's name without `.json`. */
  readonly stack: string;
  readonly plan: TerraformPlan;
}

/**
 * `--plans <dir>`: every `<stack>.json` in the folder (not its subfolders), sorted by name, each
 * checked to be `terraform show -json <planfile>` output. Messages name the file and what is
 * wrong, never its content (a plan holds attribute values).
 */
export function readPlanDir(dir: string, cwd: string): PlanFile[] {
  const absolute = path.resolve(cwd, dir);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(absolute, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === "ENOENT"
        ? `--plans ${dir}: no such folder`
        : code === "ENOTDIR"
          ? `--plans ${dir}: not a folder (give the folder that holds the <stack>.json files)`
          : `--plans ${dir}: cannot read it (${code ?? "error"})`,
    );
  }
  const files = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".json"))
    .map((entry) => entry.name)
    .sort();
  if (files.length === 0) {
    throw new UsageError(
      `--plans ${dir}: no <stack>.json files in it; write one per stack with ` +
        "terraform show -json <planfile> > <stack>.json",
    );
  }
  return files.map((name) => ({
    stack: name.slice(0, -".json".length),
    plan: readPlanFile(path.join(absolute, name), path.join(dir, name)),
  }));
}

/** Reads and checks one plan file; `shown` is how messages name it. */
export function readPlanFile(file: string, shown: string): TerraformPlan {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`${shown}: cannot read it (${(error as NodeJS.ErrnoException).code})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(
      `${shown}: not valid JSON; write it with terraform show -json <planfile> > ${path.basename(shown)}`,
    );
  }
  try {
    return parsePlan(json);
  } catch (error) {
    if (error instanceof PlanFormatError) throw new UsageError(`${shown}: ${error.message}`);
    throw error;
  }
}

import * as fs from "node:fs";

/**
 * The records of a JSON Lines file (one JSON value a line), as the stand-in tools log their calls;
 * none when the file does not exist (the tool was never called).
 */
export function readJsonLines<T>(file: string): T[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
}

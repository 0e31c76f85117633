/**
 * A small Dockerfile reader for the tests: instructions in order (continuation lines joined,
 * comments and blank lines dropped), ARG defaults, ENV pairs, and the exec-form arrays.
 */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

export function instructions(text: string): Instruction[] {
  const result: Instruction[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (pending === "" && (line === "" || line.startsWith("#"))) continue;
    if (line.startsWith("#")) continue; // comments inside a continued instruction
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = "";
    const space = full.search(/\s/);
    result.push({
      keyword: (space < 0 ? full : full.slice(0, space)).toUpperCase(),
      args: space < 0 ? "" : full.slice(space + 1).trim(),
    });
  }
  return result;
}

/** `KEY=value KEY2=value2` (values without spaces or quotes, as this Dockerfile writes them). */
export function envPairs(args: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const word of args.split(/\s+/).filter(Boolean)) {
    const eq = word.indexOf("=");
    if (eq <= 0) throw new Error(`ENV ${args}: "${word}" is not KEY=value`);
    pairs[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return pairs;
}

/** Every ENV of the file, later ones winning. */
export function env(text: string): Record<string, string> {
  return Object.assign(
    {},
    ...instructions(text)
      .filter((i) => i.keyword === "ENV")
      .map((i) => envPairs(i.args)),
  );
}

/** ARG name -> default (undefined when the ARG has none). */
export function argDefaults(text: string): Record<string, string | undefined> {
  const args: Record<string, string | undefined> = {};
  for (const { keyword, args: value } of instructions(text)) {
    if (keyword !== "ARG") continue;
    const eq = value.indexOf("=");
    if (eq < 0) args[value] = undefined;
    else args[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return args;
}

/** The single instruction with this keyword (the last one, as Docker takes it). */
export function last(text: string, keyword: string): Instruction | undefined {
  return instructions(text)
    .filter((i) => i.keyword === keyword)
    .pop();
}

/** `${NAME}` and `$NAME` replaced from `values`; unknown names become empty, as Docker does. */
export function expand(value: string, values: Record<string, string | undefined>): string {
  return value.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (_, a: string | undefined, b: string | undefined) => {
      return values[(a ?? b) as string] ?? "";
    },
  );
}

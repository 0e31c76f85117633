/**
 * A buildspec command split into words as `sh` would: quotes, backslashes and `$NAME` / `${NAME}`
 * expanded from the given variables. Only one plain command: pipes, lists, redirections and
 * command substitution are refused (a dry run would have to run the rest of the shell line for
 * real), and so are expansions beyond plain variables.
 */
export type SplitCommand =
  { readonly words: string[]; readonly unset: string[] } | { readonly problem: string };

export function splitCommand(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
): SplitCommand {
  const words: string[] = [];
  const unset: string[] = [];
  let word: string | undefined;
  const append = (s: string) => {
    word = (word ?? "") + s;
  };
  const end = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  /** `$...` at `i` (the `$`); returns the index after it, or a problem. */
  const expand = (i: number): number | { problem: string } => {
    const rest = text.slice(i + 1);
    const braced = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(rest);
    const bare = /^([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
    const match = braced ?? bare;
    if (!match) {
      if (rest.startsWith("(")) return { problem: "command substitution $(...)" };
      if (rest.startsWith("{")) return { problem: `the expansion $${rest.split("}")[0]}}` };
      append("$");
      return i + 1;
    }
    const name = match[1]!;
    const value = env[name];
    if (value === undefined) unset.push(name);
    append(value ?? "");
    return i + 1 + match[0].length;
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      end();
      i++;
    } else if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) return { problem: "an unclosed single quote" };
      append(text.slice(i + 1, close));
      i = close + 1;
    } else if (c === '"') {
      append("");
      i++;
      for (;;) {
        if (i >= text.length) return { problem: "an unclosed double quote" };
        const d = text[i]!;
        if (d === '"') {
          i++;
          break;
        }
        if (d === "\\" && i + 1 < text.length && '$`"\\\n'.includes(text[i + 1]!)) {
          if (text[i + 1] !== "\n") append(text[i + 1]!);
          i += 2;
        } else if (d === "`") {
          return { problem: "command substitution `...`" };
        } else if (d === "$") {
          const next = expand(i);
          if (typeof next !== "number") return next;
          i = next;
        } else {
          append(d);
          i++;
        }
      }
    } else if (c === "\\") {
      if (i + 1 < text.length && text[i + 1] !== "\n") append(text[i + 1]!);
      i += 2;
    } else if (c === "$") {
      const next = expand(i);
      if (typeof next !== "number") return next;
      i = next;
    } else if (c === "`") {
      return { problem: "command substitution `...`" };
    } else if (c === "#" && word === undefined) {
      break; // a comment
    } else if (";&|<>()".includes(c)) {
      return {
        problem: `the shell operator ${c === "&" && text[i + 1] === "&" ? "&&" : c === "|" && text[i + 1] === "|" ? "||" : c}`,
      };
    } else if ("*?[".includes(c)) {
      return { problem: `the file pattern character ${c}` };
    } else {
      append(c);
      i++;
    }
  }
  end();
  return { words, unset: [...new Set(unset)] };
}

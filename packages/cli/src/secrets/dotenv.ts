import { UsageError } from "../errors";

/** One `KEY=VALUE` from a dotenv file, with the line it starts on (1-based). */
export interface DotenvEntry {
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

const ASSIGNMENT = /^(?:export\s+)?([^\s=#]+)\s*=/;
const DOUBLE_QUOTE_ESCAPES: Record<string, string> = {
  n: "\n",
  r: "\r",
  t: "\t",
  '"': '"',
  "\\": "\\",
};

/**
 * Parses dotenv text, the syntax most tools share:
 *
 * - blank lines and lines starting with `#` are skipped; `export ` before a key is allowed;
 * - `KEY=value`: unquoted values are trimmed and end at a `#` after a blank (a comment; `a#b`
 *   keeps its `#`, as in shells);
 * - `KEY='value'` (or backticks): taken literally, `#` included;
 * - `KEY="value"`: `\n`, `\r`, `\t`, `\"` and `\\` are escapes; other backslashes stay;
 * - quoted values may span lines; after the closing quote only a comment may follow;
 * - no `${VAR}` expansion: a `$` is a `$`.
 *
 * A malformed line stops everything with the file name and line number. Messages never quote the
 * line: it may hold a value. A key given twice is refused too (which one was meant?).
 */
export function parseDotenv(text: string, fileName: string): DotenvEntry[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const entries: DotenvEntry[] = [];
  const firstLine = new Map<string, number>();
  const fail = (line: number, problem: string): never => {
    throw new UsageError(`${fileName} line ${line}: ${problem}; nothing was changed`);
  };

  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    const line = lines[index]!.trimStart();
    if (line === "" || line.startsWith("#")) continue;
    const match = ASSIGNMENT.exec(line);
    if (!match) {
      fail(
        lineNumber,
        line.includes("=")
          ? "expected KEY=VALUE, but the key is missing or has blanks in it"
          : 'expected KEY=VALUE, but the line has no "="',
      );
    }
    const key = match![1]!;
    const afterEquals = line.slice(match![0].length);
    let rest = afterEquals.trimStart();
    let value: string;
    const quote = rest[0];
    if (quote === '"' || quote === "'" || quote === "`") {
      // Find the closing quote, reading further lines while the value spans them.
      rest = rest.slice(1);
      let raw = "";
      let end = findClosingQuote(rest, quote);
      while (end < 0) {
        if (index + 1 >= lines.length) {
          fail(lineNumber, `the ${quoteName(quote)}-quoted value of ${key} is never closed`);
        }
        raw += `${rest}\n`;
        rest = lines[++index]!;
        end = findClosingQuote(rest, quote);
      }
      raw += rest.slice(0, end);
      const after = rest.slice(end + 1).trim();
      if (after !== "" && !after.startsWith("#")) {
        fail(index + 1, `unexpected text after the closing quote of ${key}'s value`);
      }
      value = quote === '"' ? unescapeDoubleQuoted(raw) : raw;
    } else {
      // A comment starts at a # after a blank, as in shells: `KEY=a#b` keeps the #.
      const comment = afterEquals.search(/\s#/);
      value = (comment >= 0 ? afterEquals.slice(0, comment) : afterEquals).trim();
    }

    const seen = firstLine.get(key);
    if (seen !== undefined) fail(lineNumber, `${key} is already set on line ${seen}`);
    firstLine.set(key, lineNumber);
    entries.push({ key, value, line: lineNumber });
  }
  return entries;
}

/** Index of the first unescaped `quote` in `text` (backslash escapes only in double quotes). */
function findClosingQuote(text: string, quote: string): number {
  for (let i = 0; i < text.length; i++) {
    if (quote === '"' && text[i] === "\\") {
      i++;
      continue;
    }
    if (text[i] === quote) return i;
  }
  return -1;
}

function unescapeDoubleQuoted(raw: string): string {
  return raw.replace(/\\(.)/gs, (whole, char: string) => DOUBLE_QUOTE_ESCAPES[char] ?? whole);
}

function quoteName(quote: string): string {
  return quote === '"' ? "double" : quote === "'" ? "single" : "backtick";
}

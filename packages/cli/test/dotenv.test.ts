import { parseDotenv } from "../src/secrets/dotenv";

const values = (text: string) =>
  Object.fromEntries(parseDotenv(text, ".env").map((e) => [e.key, e.value]));

describe("parseDotenv", () => {
  it("reads the syntax dotenv files share", () => {
    expect(
      values(
        [
          "A=plain",
          "B = spaced around =  ",
          "C=has=equals=signs",
          "D=x#not-a-comment",
          "E=x # a comment",
          "F= # only a comment",
          "G='single \\n $HOME # kept'",
          'H="tab\\there \\\\ backslash \\q unknown"',
          "I=`backticks 'and' \"quotes\"`",
          "export J=exported",
          "  K=indented",
          "exportL=not-a-prefix",
        ].join("\n"),
      ),
    ).toEqual({
      A: "plain",
      B: "spaced around =",
      C: "has=equals=signs",
      D: "x#not-a-comment",
      E: "x",
      F: "",
      G: "single \\n $HOME # kept",
      H: "tab\there \\ backslash \\q unknown",
      I: "backticks 'and' \"quotes\"",
      J: "exported",
      K: "indented",
      exportL: "not-a-prefix",
    });
  });

  it("keeps the line each entry starts on, across multi-line values", () => {
    const entries = parseDotenv('# c\nA="one\ntwo\nthree"\n\nB=2\n', ".env");
    expect(entries).toEqual([
      { key: "A", value: "one\ntwo\nthree", line: 2 },
      { key: "B", value: "2", line: 6 },
    ]);
  });

  it("never quotes the offending line (it may hold a value)", () => {
    for (const text of ["s3cr3t-value", "KEY='s3cr3t-value' tail", 'KEY="s3cr3t-value']) {
      let message = "";
      try {
        parseDotenv(text, "prod.env");
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^prod\.env line 1: /);
      expect(message).not.toContain("s3cr3t");
    }
  });
});

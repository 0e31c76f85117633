import fc from "fast-check";
import {
  describeError,
  keepHead,
  keepTail,
  MAX_FAILURE_MESSAGE,
  redactUrlCredentials,
  withOutput,
} from "../src/text";

const traceback = (lines: number) =>
  Array.from(
    { length: lines },
    (_, n) => `  Applying shop.${String(n).padStart(4, "0")}_step... OK`,
  )
    .concat([
      "Traceback (most recent call last):",
      '  File "manage.py", line 22',
      "RuntimeError: boom",
    ])
    .join("\n");

test("a short output is kept whole, under a plain label", () => {
  expect(withOutput("Migration failed.", "line 1\nline 2\n", 5000)).toBe(
    "Migration failed.\n--- output ---\nline 1\nline 2",
  );
  expect(withOutput("Migrated.", "", 5000)).toBe("Migrated.");
  expect(withOutput("Migrated.", undefined, 5000)).toBe("Migrated.");
});

test("a long output keeps its tail (the error) and says how much was left out", () => {
  const output = traceback(500);
  const message = withOutput("Migration failed: exited 1.", output, MAX_FAILURE_MESSAGE);
  expect(message.length).toBeLessThanOrEqual(MAX_FAILURE_MESSAGE);
  expect(message.length).toBeGreaterThan(MAX_FAILURE_MESSAGE - 20);
  expect(message.startsWith("Migration failed: exited 1.\n--- output: last ")).toBe(true);
  expect(message.endsWith("RuntimeError: boom")).toBe(true);
  const kept = Number(/last (\d+) of (\d+) characters/.exec(message)?.[1]);
  const total = Number(/last (\d+) of (\d+) characters/.exec(message)?.[2]);
  expect(total).toBe(output.length);
  expect(message.endsWith(output.slice(-kept))).toBe(true);
  expect(message).not.toContain("shop.0000_step"); // the head of the output is what goes
});

test("an output read only from its end says that earlier output was not read", () => {
  expect(withOutput("Migration failed.", "line 9\nline 10\n", 5000, { partial: true })).toBe(
    "Migration failed.\n--- output: last 14 characters (earlier output not read) ---\nline 9\nline 10",
  );
  const output = traceback(500);
  const message = withOutput("Migration failed.", output, MAX_FAILURE_MESSAGE, { partial: true });
  expect(message.length).toBeLessThanOrEqual(MAX_FAILURE_MESSAGE);
  expect(message.length).toBeGreaterThan(MAX_FAILURE_MESSAGE - 20);
  const kept = Number(
    /^--- output: last (\d+) characters \(earlier output not read\) ---$/m.exec(message)?.[1],
  );
  expect(message.endsWith(`---\n${output.slice(-kept)}`)).toBe(true);
  expect(message).not.toMatch(/ of \d+ characters/); // the whole log's length is not known
});

test("a head longer than half the limit is shortened; the output still gets the rest", () => {
  const message = withOutput("x".repeat(9000), traceback(300), 5000);
  expect(message.length).toBeLessThanOrEqual(5000);
  expect(message.startsWith(`${"x".repeat(2497)}...\n--- output: last`)).toBe(true);
  expect(message.endsWith("RuntimeError: boom")).toBe(true);
});

test("cuts never split a surrogate pair", () => {
  const emoji = "\u{1F600}"; // two UTF-16 code units
  expect(keepTail(`${emoji}${emoji}`, 3)).toBe(emoji);
  expect(keepHead(`a${emoji}bcd`, 5)).toBe("a...");
  expect(keepHead(`ab${emoji}cdef`, 6)).toBe("ab...");
  expect(keepHead(`abc${emoji}cdef`, 6)).toBe("abc...");
});

test("property: within the limit, ends with the output's end, starts with the head", () => {
  fc.assert(
    fc.property(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: "grapheme", maxLength: 12_000 }),
      fc.integer({ min: 300, max: 6000 }),
      fc.boolean(),
      (head, output, max, partial) => {
        const message = withOutput(head, output, max, { partial });
        expect(message.length).toBeLessThanOrEqual(max);
        expect(message.startsWith(keepHead(head, Math.floor(max / 2)))).toBe(true);
        const trimmed = output.replace(/\s+$/, "");
        // Whatever fits of the end of the output is there, up to the last character.
        if (trimmed !== "" && message.length > keepHead(head, Math.floor(max / 2)).length) {
          expect(trimmed.endsWith(message.slice(message.lastIndexOf("---\n") + 4))).toBe(true);
        }
        expect(/[\uD800-\uDBFF]$/.test(message)).toBe(false);
      },
    ),
  );
});

test("passwords in URLs are hidden; the rest of the URL stays", () => {
  expect(
    redactUrlCredentials(
      "could not connect to postgres://app:s3cr%3Ft@db.internal:5432/shop (timeout)",
    ),
  ).toBe("could not connect to postgres://app:***@db.internal:5432/shop (timeout)");
  expect(redactUrlCredentials("redis://:onlypass@cache:6379/0")).toBe("redis://:***@cache:6379/0");
  expect(
    redactUrlCredentials("see https://docs.djangoproject.com/en/5.2/ and http://host:8000/x"),
  ).toBe("see https://docs.djangoproject.com/en/5.2/ and http://host:8000/x");
});

test("errors are described by name and message, redacted and shortened", () => {
  expect(describeError(Object.assign(new Error("no"), { name: "AccessDeniedException" }))).toBe(
    "AccessDeniedException: no",
  );
  expect(describeError(new Error("mysql://root:pw@h/db"))).toBe("Error: mysql://root:***@h/db");
  expect(describeError(new Error("y".repeat(5000))).length).toBeLessThan(1010);
  expect(describeError("plain")).toBe("non-error thrown: plain");
});

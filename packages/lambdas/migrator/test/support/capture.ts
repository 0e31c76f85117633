/**
 * Captures everything the code under test writes: console.* and direct writes to stdout and
 * stderr, as text lines; `json()` parses the migrator's JSON log lines.
 */
export interface Captured {
  readonly lines: string[];
  json(): Record<string, any>[];
  restore(): void;
}

export function captureOutput(): Captured {
  const lines: string[] = [];
  const keep = (...args: unknown[]) => {
    lines.push(args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" "));
  };
  const spies = (["log", "info", "warn", "error", "debug"] as const).map((method) =>
    jest.spyOn(console, method).mockImplementation(keep),
  );
  const writes = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, "write").mockImplementation((chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    }),
  );
  return {
    lines,
    json: () =>
      lines.flatMap((line) => {
        try {
          const parsed = JSON.parse(line);
          return typeof parsed === "object" && parsed !== null ? [parsed] : [];
        } catch {
          return [];
        }
      }),
    restore: () => [...spies, ...writes].forEach((spy) => spy.mockRestore()),
  };
}

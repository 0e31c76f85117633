import * as fs from "node:fs";
import * as path from "node:path";
import type { PendingApp, SynthesizedStack } from "./synthesize";

export interface StackSummary {
  readonly stack: string;
  readonly environment: string;
  readonly resources: number;
  readonly path: string;
}

/** Counts the resources of each synthesised stack from the JSON written to `outdir`. */
export function summarize(outdir: string, stacks: readonly SynthesizedStack[]): StackSummary[] {
  return stacks.map(({ name, environment }) => {
    const file = path.join(outdir, "stacks", name, "cdk.tf.json");
    const json = JSON.parse(fs.readFileSync(file, "utf8")) as {
      resource?: Record<string, Record<string, unknown>>;
    };
    const resources = Object.values(json.resource ?? {}).reduce(
      (sum, byName) => sum + Object.keys(byName).length,
      0,
    );
    return { stack: name, environment, resources, path: path.relative(process.cwd(), file) };
  });
}

/** A plain-text table: stack, environment, resource count, path; then apps still pending. */
export function formatSummary(
  rows: readonly StackSummary[],
  pending: readonly PendingApp[],
): string {
  const header = ["stack", "environment", "resources", "path"];
  const cells = rows.map((r) => [r.stack, r.environment, String(r.resources), r.path]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((cell, i) => (i === 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const out = [line(header), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)];
  if (pending.length > 0) {
    out.push("", "apps not synthesised yet (their architecture's stacks are not built yet):");
    for (const p of pending) out.push(`  ${p.environment}/${p.app} (${p.architecture})`);
  }
  return out.join("\n");
}

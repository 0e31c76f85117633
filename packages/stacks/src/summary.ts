import * as fs from "node:fs";
import * as path from "node:path";
import type { PendingApp, SynthesizedStack } from "./synthesize";

export interface StackSummary {
  readonly stack: string;
  readonly environment: string;
  readonly resources: number;
  readonly path: string;
}

/** Counts the resources of each synthesised stack in what was written to `outdir` (JSON or HCL). */
export function summarize(outdir: string, stacks: readonly SynthesizedStack[]): StackSummary[] {
  return stacks.map(({ name, environment }) => {
    const json = path.join(outdir, "stacks", name, "cdk.tf.json");
    const file = fs.existsSync(json) ? json : path.join(outdir, "stacks", name, "cdk.tf");
    const text = fs.readFileSync(file, "utf8");
    return {
      stack: name,
      environment,
      resources: file === json ? countJsonResources(text) : countHclResources(text),
      path: path.relative(process.cwd(), file),
    };
  });
}

function countJsonResources(text: string): number {
  const { resource = {} } = JSON.parse(text) as { resource?: Record<string, object> };
  return Object.values(resource).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
}

function countHclResources(text: string): number {
  return text.match(/^resource "/gm)?.length ?? 0;
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

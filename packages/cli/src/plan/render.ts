/**
 * `zonke plan`'s two renderings of the same plans: one Markdown comment for a pull request
 * (renderPlanMarkdown) and a plain-text table with every changed address for a terminal or a CI
 * log (renderPlanText). Both are pure: plans in, text out.
 */
import { CHANGE_KINDS, type ChangeKind, type StackPlan } from "./model";
import {
  emptyCounts,
  hasChanges,
  summarizeStack,
  type ChangedResource,
  type StackSummary,
} from "./summary";

/** GitHub refuses a comment body longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** The comment's hidden first line is `<!-- zonke-plan -->` (plus the environments, if any). */
export const PLAN_MARKER = "zonke-plan";

export interface RenderOptions {
  /** The heading. @default "Terraform plan" */
  readonly title?: string;
  /**
   * What the hidden first line names, so that a workflow finds and updates its own comment:
   * `<!-- zonke-plan -->`, or `<!-- zonke-plan env=dev -->` with environments.
   * @default - no environments
   */
  readonly environments?: readonly string[];
  /**
   * The longest comment to write, in UTF-16 code units (never fewer than GitHub's characters).
   * Longer comments lose resource addresses from their lists, never the table.
   * @default 65536
   */
  readonly maxLength?: number;
  /** Notes for every stack (e.g. where the state is), shown under the table. @default - none */
  readonly notes?: readonly string[];
}

/** The hidden line that identifies a comment rendered for these environments. */
export function planMarker(environments: readonly string[] = []): string {
  const envs = [...environments]
    .sort()
    .join(",")
    .replace(/[^\w.,-]/g, "_");
  return `<!-- ${PLAN_MARKER}${envs ? ` env=${envs}` : ""} -->`;
}

const HEADINGS: Readonly<Record<ChangeKind, string>> = {
  create: "Create",
  update: "Update in place",
  replace: "Replace",
  delete: "Destroy",
  forget: "Forget (removed from the state, left in AWS)",
};

/** The table's words for each count, as Terraform's own summary line says them. */
const COUNT_WORDS: Readonly<Record<Exclude<ChangeKind, "forget">, string>> = {
  create: "to add",
  update: "to change",
  replace: "to replace",
  delete: "to destroy",
};

/** Replacements and destroys are listed before, and cut after, creates and updates. */
const RISKY: ReadonlySet<ChangeKind> = new Set(["replace", "delete"]);

/**
 * How many entries the lists may show in all: `plain` for create, update, forget and the output
 * lists, `risky` for replace and delete (stateful ones first). A budget is shared out evenly
 * between the lists (see allot). `stacks`: how many stacks get details at all, in detailOrder.
 */
interface Caps {
  readonly plain: number;
  readonly risky: number;
  readonly stacks: number;
}

const ALL: Caps = { plain: Infinity, risky: Infinity, stacks: Infinity };
const DATA_AT_RISK_LISTED = 20;

/**
 * One pull-request comment for the plans of several stacks: the marker line, a table of counts
 * per stack (⚠ where a stateful resource would be destroyed or replaced, ❌ where there is no
 * plan), the stateful resources at risk, then one collapsed `<details>` per changed stack with
 * its addresses grouped by change. Reads are not changes and are not shown. Never prints an
 * attribute value. Fits in `maxLength` by shortening the address lists (creates and updates first),
 * and says so.
 */
export function renderPlanMarkdown(
  plans: readonly StackPlan[],
  options: RenderOptions = {},
): string {
  const limit = options.maxLength ?? GITHUB_COMMENT_LIMIT;
  const summaries = plans.map(summarizeStack);
  const full = markdownDocument(summaries, options, ALL);
  if (full.text.length <= limit) return full.text;

  const total = (risky: boolean) =>
    listSizes(summaries)
      .filter((list) => list.risky === risky)
      .reduce((sum, list) => sum + list.size, 0);
  // Shorter and shorter: fewer creates and updates listed; then fewer replacements and
  // destroys; then details for fewer stacks (failed and at-risk ones kept longest); then, with
  // thousands of stacks, fewer table rows.
  const attempts: [number, (n: number) => Caps, number?][] = [
    [total(false), (n) => ({ plain: n, risky: Infinity, stacks: Infinity })],
    [total(true), (n) => ({ plain: 0, risky: n, stacks: Infinity })],
    [summaries.length, (n) => ({ plain: 0, risky: Infinity, stacks: n })],
    [summaries.length, () => ({ plain: 0, risky: 0, stacks: 0 }), 0],
  ];
  for (const [max, caps, tableRows] of attempts) {
    const best = largestFitting(max, (n) => {
      const document = markdownDocument(
        summaries,
        { ...options, maxLength: limit },
        caps(n),
        tableRows === undefined ? Infinity : n,
      );
      return document.text.length <= limit ? document.text : undefined;
    });
    if (best !== undefined) return best;
  }
  return planMarker(options.environments).slice(0, limit);
}

/** The result for the largest n in [0, max] for which `attempt(n)` gives one (binary search). */
function largestFitting<T>(max: number, attempt: (n: number) => T | undefined): T | undefined {
  let best = attempt(0);
  if (best === undefined) return undefined;
  let low = 0;
  let high = max;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    const result = attempt(middle);
    if (result === undefined) {
      high = middle - 1;
    } else {
      best = result;
      low = middle;
    }
  }
  return best;
}

/** Every list the details show, in order, keyed `<stack index>/<list>`. */
function listSizes(
  summaries: readonly StackSummary[],
): { key: string; size: number; risky: boolean }[] {
  return summaries.flatMap((s, index) => [
    ...CHANGE_KINDS.map((kind) => ({
      key: `${index}/${kind}`,
      size: s.counts[kind],
      risky: RISKY.has(kind),
    })),
    ...(["create", "update", "delete"] as const).map((kind) => ({
      key: `${index}/outputs-${kind}`,
      size: s.outputs[kind]?.length ?? 0,
      risky: false,
    })),
  ]);
}

/**
 * Shares `budget` entries out between lists: every list gets up to the same number, and what is
 * left goes one by one to the first lists that have more. An infinite budget shows everything.
 */
export function allot(sizes: readonly number[], budget: number): number[] {
  if (budget === Infinity) return [...sizes];
  const shown = (cap: number) => sizes.reduce((sum, size) => sum + Math.min(size, cap), 0);
  let low = 0;
  let high = Math.max(0, ...sizes);
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (shown(middle) <= budget) low = middle;
    else high = middle - 1;
  }
  const caps = sizes.map((size) => Math.min(size, low));
  let left = budget - shown(low);
  for (let i = 0; i < caps.length && left > 0; i++) {
    if (sizes[i]! > caps[i]!) {
      caps[i]!++;
      left--;
    }
  }
  return caps;
}

interface Rendered {
  readonly text: string;
}

/**
 * The changed stacks' indexes, those a reviewer most needs first: failed or incomplete plans,
 * then stateful resources at risk, then other replacements and destroys, then the rest.
 */
function detailOrder(summaries: readonly StackSummary[]): number[] {
  const rank = (s: StackSummary) =>
    s.status !== "planned"
      ? 0
      : s.resources.some((r) => r.atRisk)
        ? 1
        : s.counts.replace + s.counts.delete > 0
          ? 2
          : 3;
  return summaries
    .map((s, index) => ({ index, rank: rank(s), changed: hasChanges(s) }))
    .filter((entry) => entry.changed)
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((entry) => entry.index);
}

/** What a shortened comment leaves out, for its note. */
interface Omitted {
  addresses: number;
  outputs: number;
  stacks: number;
}

function markdownDocument(
  summaries: readonly StackSummary[],
  options: RenderOptions,
  caps: Caps,
  tableRows = Infinity,
): Rendered {
  const omitted: Omitted = { addresses: 0, outputs: 0, stacks: 0 };
  const lists = listSizes(summaries);
  const capOf = new Map<string, number>();
  for (const risky of [false, true]) {
    const chosen = lists.filter((list) => list.risky === risky);
    const listCaps = allot(
      chosen.map((list) => list.size),
      risky ? caps.risky : caps.plain,
    );
    chosen.forEach((list, i) => capOf.set(list.key, listCaps[i]!));
  }
  const withDetails = new Set(detailOrder(summaries).slice(0, caps.stacks));
  omitted.stacks = summaries.filter(hasChanges).length - withDetails.size;
  const details = summaries.flatMap((s, index) =>
    withDetails.has(index)
      ? [stackDetails(s, (list) => capOf.get(`${index}/${list}`) ?? Infinity, omitted)]
      : [],
  );
  const lines = [
    planMarker(options.environments),
    `### ${escapeMarkdown(options.title ?? "Terraform plan")}`,
    "",
    ...(summaries.length === 0 ? ["No stacks to plan."] : table(summaries, tableRows)),
    ...dataAtRisk(summaries),
    ...(options.notes?.length
      ? ["", ...options.notes.map((note) => `- _${escapeMarkdown(note)}_`)]
      : []),
    ...truncationNote(summaries, omitted, tableRows, options.maxLength ?? GITHUB_COMMENT_LIMIT),
    ...details.flatMap((block) => ["", ...block]),
    "",
    footer(summaries),
  ];
  return { text: `${lines.join("\n")}\n` };
}

function table(summaries: readonly StackSummary[], rows: number): string[] {
  const numbers = (counts: StackSummary["counts"]) =>
    (["create", "update", "replace", "delete"] as const).map((kind) => String(counts[kind]));
  const lines = [
    "| Stack | To add | To change | To replace | To destroy | |",
    "| --- | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const s of summaries.slice(0, rows)) {
    const cells = s.status === "failed" ? ["–", "–", "–", "–"] : numbers(s.counts);
    lines.push(`| ${tableCode(s.stack)} | ${cells.join(" | ")} | ${rowNote(s)} |`);
  }
  if (summaries.length > 1) {
    const total = emptyCounts();
    for (const s of summaries) for (const kind of CHANGE_KINDS) total[kind] += s.counts[kind];
    const failed = summaries.filter((s) => s.status !== "planned").length;
    const note = failed > 0 ? `❌ ${failed} of ${summaries.length} stacks without a full plan` : "";
    lines.push(
      `| **Total** | ${numbers(total)
        .map((n) => `**${n}**`)
        .join(" | ")} | ${note} |`,
    );
  }
  return lines;
}

function rowNote(s: StackSummary): string {
  if (s.status === "failed") return "❌ plan failed";
  const notes: string[] = [];
  if (s.status === "errored") notes.push("❌ plan stopped on an error: incomplete");
  for (const kind of ["replace", "delete"] as const) {
    const types = countedTypes(s.resources.filter((r) => r.atRisk && r.kind === kind));
    if (types) notes.push(`⚠ ${kind === "replace" ? "replaces" : "destroys"} ${types}`);
  }
  if (s.counts.forget > 0) notes.push(`forgets ${s.counts.forget}`);
  if (notes.length === 0 && !hasChanges(s)) notes.push("no changes");
  return notes.join("; ");
}

/** `aws_s3_bucket ×2, aws_db_instance` */
function countedTypes(resources: readonly ChangedResource[]): string {
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return [...counts].map(([type, n]) => `${tableCode(type)}${n > 1 ? ` ×${n}` : ""}`).join(", ");
}

function dataAtRisk(summaries: readonly StackSummary[]): string[] {
  const atRisk = summaries.flatMap((s) =>
    s.resources.filter((r) => r.atRisk).map((r) => ({ stack: s.stack, resource: r })),
  );
  if (atRisk.length === 0) return [];
  const shown = atRisk.slice(0, DATA_AT_RISK_LISTED);
  const count = atRisk.length === 1 ? "1 stateful resource" : `${atRisk.length} stateful resources`;
  return [
    "",
    "> [!WARNING]",
    `> **Data at risk**: ${count} would be destroyed or replaced; what ${atRisk.length === 1 ? "it holds" : "they hold"} is lost unless it is backed up or retained.`,
    ...shown.map(
      ({ stack, resource }) =>
        `> - ${code(stack)}: ${code(resource.address)} (${resource.kind === "replace" ? "replace" : "destroy"})`,
    ),
    ...(atRisk.length > shown.length
      ? [`> - … and ${atRisk.length - shown.length} more, in the stacks below`]
      : []),
  ];
}

function truncationNote(
  summaries: readonly StackSummary[],
  omitted: Omitted,
  tableRows: number,
  limit: number,
): string[] {
  const parts: string[] = [];
  if (tableRows < summaries.length) {
    parts.push(`the table shows ${tableRows} of ${summaries.length} stacks`);
  }
  if (omitted.stacks > 0) {
    parts.push(
      `the details of ${omitted.stacks} stack${omitted.stacks === 1 ? "" : "s"} are left out`,
    );
  }
  if (omitted.addresses > 0 || omitted.outputs > 0) {
    const what = [
      omitted.addresses > 0 ? `${omitted.addresses} resource addresses` : "",
      omitted.outputs > 0 ? `${omitted.outputs} output names` : "",
    ].filter(Boolean);
    parts.push(
      `${what.join(" and ")} are left out of the lists below (creates and updates first, destroys and replacements last)`,
    );
  }
  if (parts.length === 0) return [];
  return [
    "",
    "> [!NOTE]",
    `> Shortened to fit ${limit === GITHUB_COMMENT_LIMIT ? "GitHub's limit" : "the limit"} of ${limit.toLocaleString("en-US")} characters: ${parts.join("; ")}.` +
      `${tableRows < summaries.length ? "" : " The counts in the table are complete."}` +
      " `zonke plan` (without --markdown) prints every address, e.g. in the job's log.",
  ];
}

function stackDetails(
  s: StackSummary,
  capOf: (list: string) => number,
  omitted: Omitted,
): string[] {
  if (s.status === "failed") {
    return [
      `<details open><summary>${htmlCode(s.stack)}: ❌ plan failed</summary>`,
      "",
      ...fenced(s.error ?? ""),
      ...s.notes.map((note) => `_${escapeMarkdown(note)}_`),
      "",
      "</details>",
    ];
  }
  const counts = (["create", "update", "replace", "delete"] as const)
    .filter((kind) => s.counts[kind] > 0)
    .map((kind) => `${s.counts[kind]} ${COUNT_WORDS[kind]}`);
  if (s.counts.forget > 0) counts.push(`${s.counts.forget} to forget`);
  const outputCount = Object.values(s.outputs).reduce((n, names) => n + names.length, 0);
  if (counts.length === 0 && outputCount > 0) counts.push("outputs only");
  const lines = [
    `<details><summary>${htmlCode(s.stack)}: ${escapeHtml(counts.join(", "))}${s.status === "errored" ? " ❌ incomplete: the plan stopped on an error" : ""}</summary>`,
  ];
  for (const kind of CHANGE_KINDS) {
    const resources = s.resources.filter((r) => r.kind === kind);
    if (resources.length === 0) continue;
    // Stateful ones first: they are what a reviewer must not miss, and what a cut keeps longest.
    const ordered = [...resources.filter((r) => r.atRisk), ...resources.filter((r) => !r.atRisk)];
    const cap = capOf(kind);
    if (cap === 0) {
      omitted.addresses += resources.length;
      lines.push("", `**${HEADINGS[kind]}** (${resources.length}): not listed, to fit`);
      continue;
    }
    lines.push("", `**${HEADINGS[kind]}** (${resources.length})`, "");
    lines.push(...capped(ordered.map(resourceLine), cap, omitted));
  }
  const outputs = (["create", "update", "delete"] as const).filter(
    (kind) => (s.outputs[kind]?.length ?? 0) > 0,
  );
  if (outputs.length > 0) {
    lines.push("", "**Outputs**", "");
    for (const kind of outputs) {
      const names = s.outputs[kind]!;
      const shown = Math.min(names.length, capOf(`outputs-${kind}`));
      omitted.outputs += names.length - shown;
      const more =
        shown === 0
          ? "not listed, to fit"
          : names.length > shown
            ? `, … ${names.length - shown} more`
            : "";
      lines.push(
        `- ${OUTPUT_WORDS[kind]} (${names.length}): ${names.slice(0, shown).map(code).join(", ")}${more}`,
      );
    }
  }
  if (s.notes.length > 0) lines.push("", ...s.notes.map((note) => `_${escapeMarkdown(note)}_`));
  lines.push("", "</details>");
  return lines;
}

const OUTPUT_WORDS = { create: "create", update: "update", delete: "delete" } as const;

function capped(items: readonly string[], cap: number, omitted: Omitted): string[] {
  if (items.length <= cap) return [...items];
  omitted.addresses += items.length - cap;
  return [...items.slice(0, cap), `- … and ${items.length - cap} more`];
}

function resourceLine(r: ChangedResource): string {
  const notes: string[] = [];
  if (r.deposed) notes.push(`deposed object ${code(r.deposed)}`);
  if (r.kind === "replace" && r.actions[0] === "create") notes.push("create before destroy");
  if (r.kind === "update" && r.actions.join(",") !== "update") {
    notes.push(`actions: ${r.actions.join(", ")}`);
  }
  if (r.forcedBy.length > 0) notes.push(`forced by ${r.forcedBy.map(code).join(", ")}`);
  if (r.reason) notes.push(escapeMarkdown(r.reason));
  return `- ${r.atRisk ? "⚠ " : ""}${code(r.address)}${notes.length ? ` (${notes.join("; ")})` : ""}`;
}

function footer(summaries: readonly StackSummary[]): string {
  const versions = [
    ...new Set(summaries.flatMap((s) => (s.terraformVersion ? [s.terraformVersion] : []))),
  ];
  const terraform = versions.length > 0 ? `Terraform ${versions.join(", ")} · ` : "";
  return `<sub>${escapeHtml(terraform)}made by <code>zonke plan</code> · replacements count only under "to replace"; data sources read during apply are not changes and are not listed</sub>`;
}

function fenced(text: string): string[] {
  const longestRun = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longestRun + 1);
  return [`${fence}text`, text.trimEnd(), fence];
}

/** Inline code that survives any backtick in the text. */
function code(text: string): string {
  const runs = [...text.matchAll(/`+/g)].map((m) => m[0].length);
  if (runs.length === 0) return `\`${text}\``;
  const fence = "`".repeat(Math.max(...runs) + 1);
  return `${fence} ${text} ${fence}`;
}

/** Inline code in a table cell: a `|` would end the cell, even inside code. */
function tableCode(text: string): string {
  return code(text).replace(/\|/g, "\\|");
}

function htmlCode(text: string): string {
  return `<code>${escapeHtml(text)}</code>`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`);
}

// --- plain text --------------------------------------------------------------------------------

/**
 * The same plans for a terminal or a CI log: a table of counts per stack (with the ⚠ and ❌ notes
 * of the comment), then every changed address per stack, grouped by change. Never shortened.
 */
export function renderPlanText(plans: readonly StackPlan[]): string {
  const summaries = plans.map(summarizeStack);
  if (summaries.length === 0) return "no stacks to plan\n";
  const header = ["stack", "to add", "to change", "to replace", "to destroy", "notes"];
  const rows = summaries.map((s) => [
    s.stack,
    ...(s.status === "failed"
      ? ["-", "-", "-", "-"]
      : (["create", "update", "replace", "delete"] as const).map((k) => String(s.counts[k]))),
    plainNote(s),
  ]);
  if (summaries.length > 1) {
    const total = emptyCounts();
    for (const s of summaries) for (const kind of CHANGE_KINDS) total[kind] += s.counts[kind];
    rows.push([
      "total",
      ...(["create", "update", "replace", "delete"] as const).map((k) => String(total[k])),
      "",
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) =>
        i === 0 || i === cells.length - 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!),
      )
      .join("  ")
      .trimEnd();
  const out = [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
  for (const s of summaries.filter(hasChanges)) {
    out.push("", `${s.stack}:`);
    if (s.status === "failed") {
      out.push(
        ...(s.error ?? "")
          .trimEnd()
          .split("\n")
          .map((l) => (l ? `    ${l}` : "")),
      );
    }
    for (const kind of CHANGE_KINDS) {
      const resources = s.resources.filter((r) => r.kind === kind);
      if (resources.length === 0) continue;
      out.push(`  ${HEADINGS[kind].toLowerCase()} (${resources.length}):`);
      for (const r of resources) {
        const notes = [
          ...(r.deposed ? [`deposed ${r.deposed}`] : []),
          ...(r.forcedBy.length ? [`forced by ${r.forcedBy.join(", ")}`] : []),
          ...(r.reason ? [r.reason] : []),
        ];
        out.push(
          `    ${r.atRisk ? "⚠ " : "  "}${r.address}${notes.length ? ` (${notes.join("; ")})` : ""}`,
        );
      }
    }
    for (const kind of ["create", "update", "delete"] as const) {
      const names = s.outputs[kind];
      if (names?.length) out.push(`  outputs to ${kind}: ${names.join(", ")}`);
    }
    for (const note of s.notes) out.push(`  note: ${note}`);
  }
  return `${out.join("\n")}\n`;
}

function plainNote(s: StackSummary): string {
  if (s.status === "failed") return "plan failed";
  return rowNote(s).replace(/`/g, "");
}

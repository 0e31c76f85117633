/**
 * How the pipeline commands report what they do, in the manner of `set -x`: each step as a line
 * starting with `+ `, said before it runs. With `--dry-run` those lines are the output (stdout)
 * and nothing runs; otherwise they go to stderr as progress, between Terraform's own output, and
 * stdout gets the results.
 */
import * as path from "node:path";
import { StringDecoder } from "node:string_decoder";

export interface StepIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

export class Steps {
  constructor(
    private readonly io: StepIo,
    readonly dryRun: boolean,
  ) {}

  private readonly said = new Set<string>();

  /** A step about to run (or that would run). */
  step(line: string): void {
    (this.dryRun ? this.io.stdout : this.io.stderr).write(`+ ${line}\n`);
  }

  /** A step taken once per command however often it is asked for (assuming the deploy role). */
  stepOnce(line: string): void {
    if (this.said.has(line)) return;
    this.said.add(line);
    this.step(line);
  }

  /** Something the reader should know; never a failure. */
  note(line: string): void {
    this.io.stderr.write(`note: ${line}\n`);
  }

  /** Progress while a step runs (e.g. an ECS rollout). */
  progress(line: string): void {
    this.io.stderr.write(`${line}\n`);
  }

  /** A result line (stdout). */
  result(line: string): void {
    this.io.stdout.write(`${line}\n`);
  }

  /**
   * Passes a program's output through as it comes (Terraform's apply), stdout to stdout and stderr
   * to stderr; characters split between chunks are kept whole.
   */
  passThrough(): { stdout: (chunk: Buffer) => void; stderr: (chunk: Buffer) => void } {
    const out = new StringDecoder("utf8");
    const err = new StringDecoder("utf8");
    return {
      stdout: (chunk) => this.io.stdout.write(out.write(chunk)),
      stderr: (chunk) => this.io.stderr.write(err.write(chunk)),
    };
  }
}

/** A path as the user would type it from the working directory. */
export function shownPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative === "" ? "." : relative.startsWith("..") ? file : relative;
}

/**
 * How the zonke commands that run tools (build, plan --dry-run, deploy, assets upload, release,
 * pipeline deploy) report what they do, in the manner of `set -x`: each step as a line starting
 * with `+ `, said before it runs. With `--dry-run` those lines are the output (stdout) and nothing
 * runs; otherwise they go to stderr as progress, between the tools' own output, and stdout gets
 * the results.
 */
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

  /** A step about to run (or that would run): `line` is the step without its `+ `. */
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

  private readonly toolDecoder = new StringDecoder("utf8");

  /**
   * The output of a tool a step runs, stdout and stderr alike, to stderr as it comes (characters
   * split between chunks kept whole): stdout keeps the results only.
   */
  readonly tool = (chunk: Buffer): void => {
    this.io.stderr.write(this.toolDecoder.write(chunk));
  };

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

/**
 * How `zonke build`, `zonke plan --dry-run` and `zonke pipeline deploy` report what they do, in
 * the manner of `set -x` and like the other pipeline commands (`zonke deploy`): each step as a
 * line starting with `+ `, said before it runs. With `--dry-run` those lines are the output
 * (stdout) and nothing runs; otherwise they go to stderr as progress, between the tools' own
 * output (stderr too), and stdout gets the results.
 */
import { StringDecoder } from "node:string_decoder";

export interface StepIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

export class StepLog {
  constructor(
    private readonly io: StepIo,
    readonly dryRun: boolean,
  ) {}

  /** A step about to run (or that would run): `line` is the whole step, `+ ` included. */
  step(line: string): void {
    (this.dryRun ? this.io.stdout : this.io.stderr).write(`${line}\n`);
  }

  /** Something the reader should know; never a failure. */
  note(line: string): void {
    this.io.stderr.write(`note: ${line}\n`);
  }

  /** Progress while a step runs. */
  progress(line: string): void {
    this.io.stderr.write(`${line}\n`);
  }

  /** A result line (stdout). */
  result(line: string): void {
    this.io.stdout.write(`${line}\n`);
  }

  private readonly decoder = new StringDecoder("utf8");

  /** The output of a tool a step runs (stderr, as it comes; characters split between chunks kept whole). */
  readonly tool = (chunk: Buffer): void => {
    this.io.stderr.write(this.decoder.write(chunk));
  };
}

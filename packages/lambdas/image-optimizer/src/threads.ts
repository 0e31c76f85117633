import * as os from "node:os";

/** Lambda grants the equivalent of one full vCPU at 1,769 MB of memory, and CPU in proportion. */
const MIB_PER_VCPU = 1769;

/**
 * libvips worker threads for this execution environment: one per full vCPU the function's memory
 * buys, never more than the cores the OS shows. Lambda shows at least two cores whatever the
 * memory, but below 3,538 MB they share less than two vCPUs: a second thread would only
 * time-slice, and AVIF encodes split into tiles that cost 0.3-6% more bytes. Outside Lambda (tests,
 * benchmarks), every core.
 *
 * sharp's own default on glibc is one thread, to limit heap fragmentation; the module sets
 * MALLOC_ARENA_MAX for that instead.
 */
export function encoderThreads(
  env: NodeJS.ProcessEnv,
  cores: number = os.availableParallelism(),
): number {
  const memory = Number(env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]);
  const vcpus = Number.isFinite(memory) && memory > 0 ? Math.floor(memory / MIB_PER_VCPU) : cores;
  return Math.max(1, Math.min(cores, vcpus));
}

/**
 * The task sizes Fargate accepts: for each CPU value (in CPU units, 1,024 = one vCPU), the memory
 * (MiB) it may be paired with. Any other pair is refused by RegisterTaskDefinition, which Terraform
 * reports only at apply; checking here fails the synth instead, with the allowed values.
 */
const FARGATE_MEMORY_BY_CPU: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024, 2048]],
  [512, steps(1024, 4096, 1024)],
  [1024, steps(2048, 8192, 1024)],
  [2048, steps(4096, 16384, 1024)],
  [4096, steps(8192, 30720, 1024)],
  [8192, steps(16384, 61440, 4096)],
  [16384, steps(32768, 122880, 8192)],
]);

function steps(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
}

/** The CPU values Fargate accepts, smallest first. */
export const FARGATE_CPU_UNITS: readonly number[] = [...FARGATE_MEMORY_BY_CPU.keys()];

/** The memory sizes (MiB) Fargate accepts with this CPU, or [] for a CPU it does not accept. */
export function fargateMemoryFor(cpu: number): readonly number[] {
  return FARGATE_MEMORY_BY_CPU.get(cpu) ?? [];
}

/** Why Fargate would refuse this size, or undefined when it accepts it. */
export function fargateSizeProblem(cpu: number, memoryMiB: number): string | undefined {
  const memory = fargateMemoryFor(cpu);
  if (memory.length === 0) {
    return `cpu ${cpu} is not a Fargate size; use one of ${FARGATE_CPU_UNITS.join(", ")} (1024 = 1 vCPU)`;
  }
  if (!memory.includes(memoryMiB)) {
    return `memoryMiB ${memoryMiB} is not allowed with cpu ${cpu} on Fargate; use ${describe(memory)}`;
  }
  return undefined;
}

/** "512, 1024 or 2048", or "2048 to 8192 in steps of 1024" for a long regular list. */
function describe(values: readonly number[]): string {
  if (values.length <= 3) {
    return `${values.slice(0, -1).join(", ")} or ${values[values.length - 1]}`;
  }
  const first = values[0]!;
  const last = values[values.length - 1]!;
  const step = values[1]! - first;
  return `${first} to ${last} in steps of ${step}`;
}

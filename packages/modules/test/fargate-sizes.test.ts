import { FARGATE_CPU_UNITS, fargateMemoryFor, fargateSizeProblem } from "../src";

// AWS's table (ECS developer guide, "Task CPU and memory"), written out by hand rather than
// generated like the code's, so a wrong step or bound in either shows up here.
const GiB = 1024;
const range = (from: number, to: number, step: number) =>
  Array.from({ length: (to - from) / step + 1 }, (_, i) => (from + i * step) * GiB);
const AWS_TABLE: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: range(1, 4, 1),
  1024: range(2, 8, 1),
  2048: range(4, 16, 1),
  4096: range(8, 30, 1),
  8192: range(16, 60, 4),
  16384: range(32, 120, 8),
};

describe("Fargate task sizes", () => {
  it("accept exactly AWS's CPU values", () => {
    expect([...FARGATE_CPU_UNITS]).toEqual(Object.keys(AWS_TABLE).map(Number));
  });

  it.each(Object.entries(AWS_TABLE))("accept every memory AWS lists for cpu %s", (cpu, memory) => {
    expect([...fargateMemoryFor(Number(cpu))]).toEqual(memory);
    for (const mib of memory) expect(fargateSizeProblem(Number(cpu), mib)).toBeUndefined();
  });

  // Every multiple of 256 MiB up to 128 GiB and a few odd sizes, against every CPU AWS lists and
  // some it does not: each pair is accepted exactly when AWS's table has it.
  const candidates = [
    ...Array.from({ length: 513 }, (_, i) => i * 256),
    1,
    1000,
    3000,
    30721,
    123904,
  ];
  const cpus = [...Object.keys(AWS_TABLE).map(Number), 0, 128, 768, 3072, 32768];
  it.each(cpus)("refuse every other memory with cpu %s", (cpu) => {
    const allowed = new Set(AWS_TABLE[cpu] ?? []);
    for (const mib of candidates) {
      const problem = fargateSizeProblem(cpu, mib);
      if (allowed.has(mib)) expect(problem).toBeUndefined();
      else expect(problem).toEqual(expect.any(String));
    }
  });

  it.each([
    [256, "use 512, 1024 or 2048"],
    [512, "use 1024 to 4096 in steps of 1024"],
    [4096, "use 8192 to 30720 in steps of 1024"],
    [8192, "use 16384 to 61440 in steps of 4096"],
    [16384, "use 32768 to 122880 in steps of 8192"],
  ])("name the memory allowed with cpu %s", (cpu, allowed) => {
    expect(fargateSizeProblem(cpu, 100)).toBe(
      `memoryMiB 100 is not allowed with cpu ${cpu} on Fargate; ${allowed}`,
    );
  });
});

import sharp from "sharp";
import { encoderThreads } from "../src/threads";
import { configureSharp } from "../src/transform";

describe("encoderThreads", () => {
  it.each([
    // memory (MB), cores the OS shows, threads
    ["128", 2, 1],
    ["1536", 2, 1],
    ["1769", 2, 1],
    ["3537", 2, 1],
    ["3538", 2, 2],
    ["10240", 6, 5],
    ["10240", 2, 2],
  ])("gives %s MB with %i cores %i thread(s): one per full vCPU", (memory, cores, expected) => {
    expect(encoderThreads({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: memory }, cores)).toBe(expected);
  });

  it("uses every core outside Lambda", () => {
    expect(encoderThreads({}, 4)).toBe(4);
    expect(encoderThreads({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "" }, 3)).toBe(3);
  });

  it("never answers less than one", () => {
    expect(encoderThreads({}, 0)).toBe(1);
    expect(encoderThreads({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "junk" }, 1)).toBe(1);
  });
});

describe("configureSharp", () => {
  afterAll(() => configureSharp());

  it("sets libvips' thread count", () => {
    configureSharp(2);
    expect(sharp.concurrency()).toBe(2);
    configureSharp();
    expect(sharp.concurrency()).toBe(1);
  });
});

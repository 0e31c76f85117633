import { setTimeout as sleep } from "node:timers/promises";
import { mapLimit } from "../src/concurrency";

describe("mapLimit", () => {
  it("runs at most `limit` tasks at once and keeps the order of results", async () => {
    let running = 0;
    let peak = 0;
    const results = await mapLimit([5, 1, 4, 2, 3, 1, 1, 2], 3, async (ms, i) => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep(ms);
      running -= 1;
      return i * 10;
    });
    expect(peak).toBe(3);
    expect(results).toEqual([0, 10, 20, 30, 40, 50, 60, 70]);
  });

  it("starts no new task after a failure, waits for running ones, rethrows the first error", async () => {
    const started: number[] = [];
    let settled = 0;
    const run = mapLimit([0, 1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      await sleep(n === 0 ? 1 : 5);
      settled += 1;
      if (n === 0) throw new Error("boom 0");
      return n;
    });
    await expect(run).rejects.toThrow("boom 0");
    expect(started).toEqual([0, 1]);
    expect(settled).toBe(2);
  });

  it("handles an empty list", async () => {
    await expect(mapLimit([], 4, async () => 1)).resolves.toEqual([]);
  });
});

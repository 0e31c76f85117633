import {
  MAX_WARM_DELAY_MS,
  answerWarm,
  countInvocation,
  currentInstanceId,
  isWarmEvent,
} from "../src/warm";

describe("warm protocol", () => {
  it("recognises only warm events", () => {
    expect(isWarmEvent({ zonke: "warm" })).toBe(true);
    expect(isWarmEvent({ zonke: "warm", delayMs: 100 })).toBe(true);
    for (const other of [null, undefined, "warm", 1, {}, { zonke: "Warm" }, { version: "2.0" }]) {
      expect(isWarmEvent(other)).toBe(false);
    }
  });

  it("answers with one id for the instance's life; only the first invocation is a cold start", async () => {
    const first = await answerWarm({ zonke: "warm" });
    const second = await answerWarm({ zonke: "warm" });
    expect(first).toEqual({ zonke: "warm", instanceId: currentInstanceId(), coldStart: true });
    expect(second).toEqual({ zonke: "warm", instanceId: first.instanceId, coldStart: false });
    expect(first.instanceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(countInvocation()).toBe(false);
  });

  it("holds the answer for the requested delay", async () => {
    const started = Date.now();
    await answerWarm({ zonke: "warm", delayMs: 150 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("clamps delays it should not honour", async () => {
    jest.useFakeTimers();
    try {
      const long = answerWarm({ zonke: "warm", delayMs: 60_000 });
      await jest.advanceTimersByTimeAsync(MAX_WARM_DELAY_MS);
      await expect(long).resolves.toMatchObject({ zonke: "warm" });
      for (const bad of [-5, Number.NaN, "soon" as unknown as number]) {
        const answer = answerWarm({ zonke: "warm", delayMs: bad });
        await jest.advanceTimersByTimeAsync(0);
        await expect(answer).resolves.toMatchObject({ zonke: "warm" });
      }
    } finally {
      jest.useRealTimers();
    }
  });
});

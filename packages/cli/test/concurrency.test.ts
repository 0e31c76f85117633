import { PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import {
  createEmptySecret,
  currentValue,
  secretsManager,
  uniqueProject,
  versionStages,
  writeConfig,
} from "./support/aws";
import { runCli, secretValue, spawnCli } from "./support/cli";

async function project() {
  const name = uniqueProject();
  const { file } = writeConfig(name);
  const secret = `${name}/dev/web`;
  await createEmptySecret(secret);
  return { secret, target: ["--app", "web", "--env", "dev", "--config", file] };
}

/** A change by someone else (the console, another tool): PutSecretValue that moves AWSCURRENT. */
async function outsideChange(secret: string, values: Record<string, string>): Promise<void> {
  await secretsManager().send(
    new PutSecretValueCommand({ SecretId: secret, SecretString: JSON.stringify(values) }),
  );
}

describe("concurrent changes", () => {
  it("loses no edit when two processes set different keys at once, round after round", async () => {
    const { secret, target } = await project();
    // Both processes read, then pause before writing, so that their writes collide every round.
    const env = { ...process.env, ZONKE_TEST_PAUSE_AFTER_READ_MS: "700" };
    const expected: Record<string, string> = {};
    let retried = 0;
    for (let round = 1; round <= 6; round++) {
      const a = { key: `ALPHA_${round}`, value: secretValue() };
      const b = { key: `BRAVO_${round}`, value: secretValue() };
      const results = await Promise.all(
        [a, b].map(({ key, value }) =>
          spawnCli(["secrets", "set", `${key}=${value}`, ...target], { env }),
        ),
      );
      for (const result of results) expect(result.code).toBe(0);
      retried += results.filter((r) => /after \d+ attempts/.test(r.stdout)).length;
      expected[a.key] = a.value;
      expected[b.key] = b.value;
      expect((await currentValue(secret))!.values).toEqual(expected);
    }
    // The collisions really happened (each round, one of the two had to apply its edit again).
    expect(retried).toBeGreaterThanOrEqual(3);
    expect(Object.values(await versionStages(secret)).flat()).not.toContain("ZONKE_PENDING");
  }, 120_000);

  it("applies the edit again on top of a change that landed between its read and its write", async () => {
    const { secret, target } = await project();
    const [mine, theirs, base] = [secretValue(), secretValue(), secretValue()];
    await runCli(["secrets", "set", `BASE=${base}`, ...target]);
    const result = await runCli(["secrets", "set", `MINE=${mine}`, ...target], {
      store: {
        afterRead: async (snapshot, attempt) => {
          if (attempt === 1)
            await outsideChange(secret, { ...snapshot.values, THEIRS: theirs } as Record<
              string,
              string
            >);
        },
      },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("after 2 attempts");
    expect((await currentValue(secret))!.values).toEqual({
      BASE: base,
      THEIRS: theirs,
      MINE: mine,
    });
  });

  it("handles the race for a secret's first value (no version yet) the same way", async () => {
    const { secret, target } = await project();
    const [mine, theirs] = [secretValue(), secretValue()];
    const result = await runCli(["secrets", "set", `MINE=${mine}`, ...target], {
      store: {
        afterRead: async (snapshot, attempt) => {
          expect(attempt > 1 || snapshot.versionId === undefined).toBe(true);
          if (attempt === 1) await outsideChange(secret, { THEIRS: theirs });
        },
      },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("after 2 attempts");
    expect((await currentValue(secret))!.values).toEqual({ THEIRS: theirs, MINE: mine });
  });

  it("gives up clearly when other changes keep landing, and loses none of them", async () => {
    const { secret, target } = await project();
    const landed: Record<string, string> = {};
    const result = await runCli(["secrets", "set", `MINE=${secretValue()}`, ...target], {
      store: {
        maxAttempts: 3,
        retryDelayMs: () => 0,
        afterRead: async (snapshot, attempt) => {
          landed[`THEIRS_${attempt}`] = secretValue();
          await outsideChange(secret, { ...snapshot.values, ...landed } as Record<string, string>);
        },
      },
    });
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: `zonke: another change to ${secret} landed while this one was being written (3 times in a row); nothing was lost, run the command again\n`,
    });
    expect((await currentValue(secret))!.values).toEqual(landed);
    expect(Object.values(await versionStages(secret)).flat()).not.toContain("ZONKE_PENDING");
  });
});

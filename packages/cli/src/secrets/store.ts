import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { AwsError, UsageError } from "../errors";
import { awsErrorCode, explainAwsError } from "../aws/errors";
import {
  checkSecretSize,
  parseSecretValues,
  sameValues,
  serializeSecretValues,
  type SecretValues,
} from "./document";

/** The label every reader (servers, ECS, the console) follows. */
export const CURRENT_STAGE = "AWSCURRENT";
/** The label a new value carries between its write and the move of AWSCURRENT onto it. */
export const PENDING_STAGE = "ZONKE_PENDING";

/** The secret's current value, as of one read. */
export interface SecretSnapshot {
  readonly name: string;
  readonly arn: string;
  /** The AWSCURRENT version; undefined while the secret has no value (as Terraform creates it). */
  readonly versionId: string | undefined;
  readonly values: SecretValues;
  /** When the current value was written (its version's creation date). */
  readonly changedAt: Date | undefined;
}

/** A change to the values; it runs again on a fresh read when another change landed first. */
export type Edit = (values: SecretValues) => SecretValues;

export interface UpdateResult {
  /** The read the change was applied to (the last attempt's). */
  readonly before: SecretSnapshot;
  readonly values: SecretValues;
  /** The new AWSCURRENT version, or the unchanged one when the edit changed nothing. */
  readonly versionId: string | undefined;
  readonly changed: boolean;
  /** 1, or more when concurrent changes made zonke read and apply the edit again. */
  readonly attempts: number;
}

export interface SecretStoreOptions {
  /** Reads and writes before giving up on a busy secret. @default 5 */
  readonly maxAttempts?: number;
  /** The caller's IAM ARN, named in access-denied messages. */
  readonly caller?: string;
  /** Pause before attempt `attempt` (2, 3, ...). @default - random, 50-250 ms times the attempt */
  readonly retryDelayMs?: (attempt: number) => number;
  /**
   * Runs after each read, before the write. A hook for tests, which land a concurrent change
   * here; never set in normal runs.
   */
  readonly afterRead?: (snapshot: SecretSnapshot, attempt: number) => Promise<void>;
}

/**
 * An app secret (a JSON object of KEY -> value) with a compare-and-swap write, so two people (or
 * a person and a pipeline) changing it at once never lose one change:
 *
 * 1. read AWSCURRENT: its version id and value;
 * 2. write the edited value as a new version labelled ZONKE_PENDING (PutSecretValue with a
 *    ClientRequestToken, so SDK retries are idempotent), which leaves AWSCURRENT where it was;
 * 3. move AWSCURRENT to the new version with UpdateSecretVersionStage, RemoveFromVersionId = the
 *    version read in 1. Secrets Manager refuses the move when AWSCURRENT is no longer on that
 *    version: another change landed meanwhile. Then read again, apply the same edit to the new
 *    value and try again (a few times, with a random pause), or report the conflict. The
 *    version that lost is left without AWSCURRENT: nobody reads it, and nothing was lost.
 * 4. remove ZONKE_PENDING from the new version (best effort: a concurrent writer may hold it).
 *
 * A secret without a value (no version yet) is the empty object; its first PutSecretValue gets
 * AWSCURRENT from Secrets Manager itself, and when another first write won, the answer lacks
 * AWSCURRENT and the edit is applied again to that value. moto (the tests' AWS) enforces the
 * RemoveFromVersionId check like AWS, so the same code is tested there.
 */
export class SecretStore {
  private readonly maxAttempts: number;

  constructor(
    private readonly client: SecretsManagerClient,
    readonly name: string,
    readonly region: string,
    private readonly options: SecretStoreOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 5;
  }

  /** The current value; the empty object while the secret has none. */
  async read(): Promise<SecretSnapshot> {
    // Two rounds at most: a first value may land between GetSecretValue and DescribeSecret.
    for (let round = 0; round < 2; round++) {
      try {
        const answer = await this.client.send(
          // The explicit stage matters on moto, whose default ignores moves of AWSCURRENT.
          new GetSecretValueCommand({ SecretId: this.name, VersionStage: CURRENT_STAGE }),
        );
        return {
          name: this.name,
          arn: answer.ARN ?? this.name,
          versionId: answer.VersionId,
          values: parseSecretValues(answer.SecretString, this.name),
          changedAt: answer.CreatedDate,
        };
      } catch (error) {
        if (awsErrorCode(error) !== "ResourceNotFoundException") {
          throw this.explain(error, "secretsmanager:GetSecretValue");
        }
      }
      // Either the secret does not exist or it has no value yet: DescribeSecret tells which.
      const described = await this.describe(this.name);
      if (this.currentVersion(described.VersionIdsToStages) === undefined) {
        return {
          name: this.name,
          arn: described.ARN ?? this.name,
          versionId: undefined,
          values: {},
          changedAt: undefined,
        };
      }
    }
    throw new AwsError(
      `the value of ${this.name} kept changing while zonke read it; run the command again`,
      "ConcurrentChange",
    );
  }

  /** Applies `edit` to the current value and makes the result current, without losing a change. */
  async update(edit: Edit): Promise<UpdateResult> {
    for (let attempt = 1; ; attempt++) {
      const before = await this.read();
      await this.options.afterRead?.(before, attempt);
      const values = edit(before.values);
      if (sameValues(values, before.values)) {
        return { before, values, versionId: before.versionId, changed: false, attempts: attempt };
      }
      const secretString = serializeSecretValues(values);
      checkSecretSize(secretString, this.name);

      const written = await this.writePending(before.arn, secretString);
      const landed = await this.makeCurrent(before, written.id, written.stages);
      await this.removePendingLabel(before.arn, written.id);
      if (landed) {
        return { before, values, versionId: written.id, changed: true, attempts: attempt };
      }
      if (attempt >= this.maxAttempts) {
        throw new AwsError(
          `another change to ${this.name} landed while this one was being written ` +
            `(${attempt} times in a row); nothing was lost, run the command again`,
          "ConcurrentChange",
        );
      }
      await sleep(this.options.retryDelayMs?.(attempt + 1) ?? (50 + Math.random() * 200) * attempt);
    }
  }

  /** PutSecretValue under ZONKE_PENDING: stored, but not current. */
  private async writePending(
    arn: string,
    secretString: string,
  ): Promise<{ id: string; stages: readonly string[] }> {
    const token = randomUUID();
    try {
      const answer = await this.client.send(
        new PutSecretValueCommand({
          SecretId: arn,
          SecretString: secretString,
          ClientRequestToken: token,
          VersionStages: [PENDING_STAGE],
        }),
      );
      return { id: answer.VersionId ?? token, stages: answer.VersionStages ?? [] };
    } catch (error) {
      throw this.explain(error, "secretsmanager:PutSecretValue");
    }
  }

  /** Moves AWSCURRENT from the version read to `versionId`; false when another change won. */
  private async makeCurrent(
    before: SecretSnapshot,
    versionId: string,
    stagesAfterWrite: readonly string[],
  ): Promise<boolean> {
    if (before.versionId === undefined) {
      // The secret's first version gets AWSCURRENT on its own; a later one means another won.
      if (stagesAfterWrite.includes(CURRENT_STAGE)) return true;
      return (await this.currentVersionOf(before.arn)) === versionId;
    }
    try {
      await this.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: before.arn,
          VersionStage: CURRENT_STAGE,
          MoveToVersionId: versionId,
          RemoveFromVersionId: before.versionId,
        }),
      );
      return true;
    } catch (error) {
      const code = awsErrorCode(error);
      if (code !== "InvalidParameterException" && code !== "InvalidRequestException") {
        throw this.explain(error, "secretsmanager:UpdateSecretVersionStage");
      }
      // Refused: find out whether AWSCURRENT moved away from the version read.
      const current = await this.currentVersionOf(before.arn);
      if (current === versionId) return true; // ours landed (an SDK retry after a lost answer)
      if (current !== before.versionId) return false;
      throw this.explain(error, "secretsmanager:UpdateSecretVersionStage");
    }
  }

  /** Best effort: a leftover label is harmless (the next write takes it over). */
  private async removePendingLabel(arn: string, versionId: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: arn,
          VersionStage: PENDING_STAGE,
          RemoveFromVersionId: versionId,
        }),
      );
    } catch {
      // Another writer's PutSecretValue moved the label to its own version already.
    }
  }

  private async currentVersionOf(secretId: string): Promise<string | undefined> {
    return this.currentVersion((await this.describe(secretId)).VersionIdsToStages);
  }

  private currentVersion(stages: Record<string, string[]> | undefined): string | undefined {
    return Object.entries(stages ?? {}).find(([, labels]) => labels.includes(CURRENT_STAGE))?.[0];
  }

  private async describe(secretId: string) {
    try {
      return await this.client.send(new DescribeSecretCommand({ SecretId: secretId }));
    } catch (error) {
      throw this.explain(error, "secretsmanager:DescribeSecret");
    }
  }

  private explain(error: unknown, action: string): unknown {
    const code = awsErrorCode(error);
    if (code === "ResourceNotFoundException") {
      return new UsageError(
        `secret ${this.name} does not exist in ${this.region}: deploy the app's stack first (npm start / cdktf deploy)`,
        { cause: error },
      );
    }
    if (code === "InvalidRequestException" && /delet/i.test((error as Error).message)) {
      return new UsageError(
        `secret ${this.name} is scheduled for deletion in ${this.region}: restore it first ` +
          `(aws secretsmanager restore-secret --secret-id ${this.name} --region ${this.region})`,
        { cause: error },
      );
    }
    return explainAwsError(error, this.step(action));
  }

  private step(action: string) {
    return {
      action,
      resource: `secret ${this.name}`,
      region: this.region,
      ...(this.options.caller ? { caller: this.options.caller } : {}),
    };
  }
}

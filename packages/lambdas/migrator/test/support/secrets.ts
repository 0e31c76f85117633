import { ARTIFACT_CREDENTIALS } from "./job-event";

/** Fails when any artifact credential value appears in any of the texts (logs, reports). */
export function expectNoCredentials(texts: readonly string[]): void {
  const all = texts.join("\n");
  for (const value of [
    ARTIFACT_CREDENTIALS.accessKeyId,
    ARTIFACT_CREDENTIALS.secretAccessKey,
    ARTIFACT_CREDENTIALS.sessionToken,
  ]) {
    expect(all).not.toContain(value);
  }
}

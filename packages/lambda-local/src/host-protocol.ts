/**
 * Messages between a local Lambda instance (./lambda-host.ts, a child process) and its client
 * (./lambda-instance.ts) over Node's IPC channel. Bytes travel as base64: the channel is JSON.
 */

export type HostRequest =
  { id: number; type: "invoke"; event: unknown } | { id: number; type: "stats" };

export type HostReply =
  | { id: number; type: "buffered"; result: unknown }
  | { id: number; type: "stream"; contentType: string; payload: string }
  | { id: number; type: "stats"; nodeResponses: number }
  | { id: number; type: "error"; errorType: string; errorMessage: string };

export type HostStartup =
  | { type: "ready"; initMs: number }
  | { type: "init-error"; errorType: string; errorMessage: string };

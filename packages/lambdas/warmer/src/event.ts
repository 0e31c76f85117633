import { parseTargets, WarmerConfigError, type WarmTarget } from "./config";

/**
 * Which targets this run warms. The EventBridge schedule sends a scheduled event and the
 * post-deploy invoke sends `{}`: both warm the configured targets. A direct invoke may send
 * `{"targets": [...]}` (checked like WARMER_TARGETS) to warm something else once, by hand.
 * Anything else is refused: a typo in a manual invoke must not quietly warm the default set.
 */
export function targetsForEvent(
  event: unknown,
  configured: readonly WarmTarget[],
): readonly WarmTarget[] {
  if (event === undefined || event === null) return configured;
  if (typeof event !== "object" || Array.isArray(event)) {
    throw new WarmerConfigError(
      `the event is ${JSON.stringify(event)}: send {} or {"targets": [...]} (or let the schedule invoke)`,
    );
  }
  const fields = event as Record<string, unknown>;
  if (isScheduledEvent(fields)) return configured;
  const keys = Object.keys(fields);
  if (keys.length === 0) return configured;
  if (keys.length === 1 && keys[0] === "targets")
    return parseTargets(fields["targets"], "event.targets");
  throw new WarmerConfigError(
    `the event has key(s) ${keys.map((key) => JSON.stringify(key)).join(", ")}: ` +
      `send {} or {"targets": [...]} (or let the schedule invoke)`,
  );
}

function isScheduledEvent(fields: Record<string, unknown>): boolean {
  return fields["source"] === "aws.events" && fields["detail-type"] === "Scheduled Event";
}

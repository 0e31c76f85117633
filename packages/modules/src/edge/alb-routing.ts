import { ValidationError } from "../core/errors";

/** What the listener needs to know about a target to route to it (see InternalAlbTarget). */
export interface RoutedTarget {
  readonly name: string;
  readonly pathPatterns: readonly string[];
  readonly priority?: number;
}

/** One listener rule: up to five path patterns of one target, at one priority. */
export interface ListenerRulePlan {
  readonly target: string;
  /** The rule's position among the target's rules (0, 1, ...): part of its construct id. */
  readonly index: number;
  readonly priority: number;
  readonly pathPatterns: readonly string[];
}

/** AWS limits for Application Load Balancer listener rules. */
export const ALB_RULE_LIMITS = {
  /** A rule's conditions may hold five values in all; ours hold only path patterns. */
  patternsPerRule: 5,
  /** Rules per load balancer (default quota, not counting default actions). */
  rulesPerLoadBalancer: 100,
  maxPriority: 50000,
  maxPatternLength: 128,
} as const;

/** Default priority step between targets: room for a target to grow to ten rules. */
const PRIORITY_STEP = 10;

// The characters AWS accepts in a path pattern; `*` matches any run of characters, `?` one.
const PATH_PATTERN = /^\/[A-Za-z0-9_\-.$/~"'@:+&*?]*$/;

/**
 * The listener rules for `targets`, in evaluation order (lowest priority number first). A target's
 * patterns are split into rules of at most five (AWS's per-rule limit); its first rule takes its
 * `priority` (default: (position + 1) x 10) and the next ones the numbers that follow.
 *
 * Throws a ValidationError for a pattern AWS refuses, a pattern used twice, priorities that
 * collide or leave the allowed range, more rules than a load balancer may have, and a pattern
 * that can never match because an earlier rule of another target matches every path it does
 * (e.g. `/api/v1/*` after `/api/*`): the ALB evaluates rules in priority order and stops at the
 * first match, so such a route would be dead without any error from AWS.
 */
export function planListenerRules(targets: readonly RoutedTarget[]): ListenerRulePlan[] {
  const rules: ListenerRulePlan[] = [];
  targets.forEach((target, position) => {
    checkPatterns(target);
    const first = target.priority ?? (position + 1) * PRIORITY_STEP;
    chunks(target.pathPatterns, ALB_RULE_LIMITS.patternsPerRule).forEach((pathPatterns, index) =>
      rules.push({ target: target.name, index, priority: first + index, pathPatterns }),
    );
  });
  checkDuplicates(targets);
  checkPriorities(rules);
  if (rules.length > ALB_RULE_LIMITS.rulesPerLoadBalancer) {
    throw new ValidationError(
      `internal load balancer: the targets' path patterns need ${rules.length} listener rules (five patterns a rule); AWS allows ${ALB_RULE_LIMITS.rulesPerLoadBalancer} a load balancer. Use fewer, broader patterns`,
    );
  }
  const ordered = [...rules].sort((a, b) => a.priority - b.priority);
  checkReachable(ordered);
  return ordered;
}

function checkPatterns(target: RoutedTarget): void {
  if (target.pathPatterns.length === 0) {
    throw new ValidationError(
      `internal load balancer target "${target.name}" has no path patterns; give at least one, e.g. "/api/*"`,
    );
  }
  for (const pattern of target.pathPatterns) {
    if (pattern.length > ALB_RULE_LIMITS.maxPatternLength || !PATH_PATTERN.test(pattern)) {
      throw new ValidationError(
        `internal load balancer target "${target.name}": path pattern "${pattern}" is not allowed; use a path starting with "/" of at most ${ALB_RULE_LIMITS.maxPatternLength} characters, made of letters, digits, _-.$/~"'@:+& and the wildcards * and ?`,
      );
    }
  }
}

function checkDuplicates(targets: readonly RoutedTarget[]): void {
  const owner = new Map<string, string>();
  for (const target of targets) {
    for (const pattern of target.pathPatterns) {
      const first = owner.get(pattern);
      if (first !== undefined) {
        const where =
          first === target.name
            ? `twice by target "${first}"`
            : `by targets "${first}" and "${target.name}"`;
        throw new ValidationError(
          `internal load balancer: path pattern "${pattern}" is used ${where}; each path can go to one target`,
        );
      }
      owner.set(pattern, target.name);
    }
  }
}

function checkPriorities(rules: readonly ListenerRulePlan[]): void {
  const byPriority = new Map<number, ListenerRulePlan>();
  for (const rule of rules) {
    if (
      !Number.isInteger(rule.priority) ||
      rule.priority < 1 ||
      rule.priority > ALB_RULE_LIMITS.maxPriority
    ) {
      throw new ValidationError(
        `internal load balancer target "${rule.target}": listener rule priority ${rule.priority} is not allowed; use a whole number from 1 to ${ALB_RULE_LIMITS.maxPriority}`,
      );
    }
    const other = byPriority.get(rule.priority);
    if (other) {
      throw new ValidationError(
        `internal load balancer: targets "${other.target}" and "${rule.target}" both need listener rule priority ${rule.priority}; a target with more than five path patterns takes the priorities after its own, so space the targets' priorities further apart`,
      );
    }
    byPriority.set(rule.priority, rule);
  }
}

function checkReachable(ordered: readonly ListenerRulePlan[]): void {
  ordered.forEach((rule, position) => {
    for (const earlier of ordered.slice(0, position)) {
      if (earlier.target === rule.target) continue;
      for (const pattern of rule.pathPatterns) {
        const cover = earlier.pathPatterns.find((candidate) => globCovers(candidate, pattern));
        if (cover !== undefined) {
          throw new ValidationError(
            `internal load balancer: path pattern "${pattern}" of target "${rule.target}" (priority ${rule.priority}) can never match: "${cover}" of target "${earlier.target}" (priority ${earlier.priority}) is evaluated first and matches every path it does. Give "${rule.target}" a lower priority number, or narrow "${cover}"`,
          );
        }
      }
    }
  });
}

/**
 * True when every path the glob `pattern` matches is also matched by the glob `cover` (`*` any
 * run of characters, `?` exactly one). Sound: `cover`'s `*` may absorb any part of `pattern`,
 * wildcards included, but its `?` and literals match only what `pattern` fixes to one character.
 */
export function globCovers(cover: string, pattern: string): boolean {
  const memo = new Map<string, boolean>();
  const covers = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === cover.length) {
      result = j === pattern.length;
    } else if (cover[i] === "*") {
      // The star takes nothing, or one more token of `pattern` and stays.
      result = covers(i + 1, j) || (j < pattern.length && covers(i, j + 1));
    } else if (j === pattern.length || pattern[j] === "*") {
      result = false;
    } else if (cover[i] === "?") {
      result = covers(i + 1, j + 1);
    } else {
      result = cover[i] === pattern[j] && covers(i + 1, j + 1);
    }
    memo.set(key, result);
    return result;
  };
  return covers(0, 0);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    result.push(items.slice(start, start + size));
  }
  return result;
}

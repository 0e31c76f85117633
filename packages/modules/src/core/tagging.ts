import type { IConstruct } from "constructs";
import { Aspects, type IAspect } from "cdktf";

/** The tags zonke puts on every taggable resource, so cost and ownership can be traced. */
export interface ZonkeTags {
  readonly project: string;
  readonly environment: string;
  /** @default - not set: the resource is shared by every app of the environment */
  readonly app?: string;
}

interface Taggable {
  tags?: Record<string, string>;
  readonly tagsInput?: Record<string, string>;
}

function isTaggable(node: IConstruct): node is IConstruct & Taggable {
  return "tags" in node && "tagsInput" in node;
}

/**
 * Adds the project, environment and (for app stacks) app tags to every resource that takes tags.
 * Tags set on a resource itself win, so a construct can still name its own `Name` tag.
 */
export class TaggingAspect implements IAspect {
  private readonly tags: Record<string, string>;

  constructor(tags: ZonkeTags) {
    this.tags = {
      project: tags.project,
      environment: tags.environment,
      ...(tags.app ? { app: tags.app } : {}),
      "managed-by": "zonke",
    };
  }

  visit(node: IConstruct): void {
    if (isTaggable(node)) {
      node.tags = { ...this.tags, ...(node.tagsInput ?? {}) };
    }
  }
}

/** Tags every taggable resource under `scope` (usually a stack). */
export function tagResources(scope: IConstruct, tags: ZonkeTags): void {
  Aspects.of(scope).add(new TaggingAspect(tags));
}

import type { ActionRule } from '../validation/types';

/** What the workspace adds to the tree format. */
export interface TreeOptions {
  /** Actions declared by the workspace's `.orchard/schema.yaml`, merged with the built-in ones. */
  extraActions: Record<string, ActionRule>;
}

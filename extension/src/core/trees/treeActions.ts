/**
 * What a cookbook tree may contain: the built-in actions, the keys every step
 * accepts and the type of every known field. One table, read by the validator
 * (per-field type checks with exact ranges), by the zod schema (treeSchema.ts)
 * and by completion and hover, so the three never disagree.
 */
import type { ActionRule } from '../diagnostics/diagnostic';

/** What the workspace adds to the tree format. */
export interface TreeOptions {
  /** Actions declared by the workspace's `.orchard/schema.yaml`, merged with the built-in ones. */
  extraActions: Record<string, ActionRule>;
}

/** The shape a field's value must have. `template` strings (`"{{ .vars.n }}"`) are accepted wherever a number is expected. */
export type FieldType =
  | 'string'
  | 'integer'
  | 'number'
  | 'duration'
  | 'condition'
  | 'httpMethod'
  | 'statusCodes'
  | 'scalarMap'
  | 'any'
  | 'dependsOn'
  | 'outputs';

export interface FieldSpec {
  type: FieldType;
  description: string;
}

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** Keys every step (and teardown step) accepts, whatever its action. */
export const COMMON_STEP_FIELDS: Record<string, FieldSpec> = {
  action: { type: 'string', description: 'What the step does: `api`, `wait_build`, `shell`, `agent`, `wait` or an action of `.orchard/schema.yaml`.' },
  depends_on: { type: 'dependsOn', description: 'Steps that must finish first: one id or a list of ids.' },
  outputs: { type: 'outputs', description: 'Values to keep from the result, as `- key: .json.path`.' },
  name: { type: 'string', description: 'A display name for the step.' },
  description: { type: 'string', description: 'What the step is for.' },
  when: { type: 'condition', description: 'Run the step only when this condition (a boolean or a template) holds.' },
  retries: { type: 'integer', description: 'How many times to retry the step when it fails.' },
  timeout: { type: 'duration', description: 'How long the step may take: seconds, or `30s`, `5m`, `1h`, `500ms`.' },
};

/** Fields of the built-in actions, by name; which ones each action requires is in BUILTIN_ACTIONS. */
export const ACTION_FIELDS: Record<string, FieldSpec> = {
  method: { type: 'httpMethod', description: 'The HTTP method: GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS.' },
  endpoint: { type: 'string', description: 'The path (or URL) to call; may use templates.' },
  headers: { type: 'scalarMap', description: 'Request headers.' },
  body: { type: 'any', description: 'The request body, sent as JSON; free-form.' },
  query: { type: 'scalarMap', description: 'Query string parameters.' },
  expect_status: { type: 'statusCodes', description: 'The HTTP status (or list of statuses) that counts as success.' },
  build_id: { type: 'string', description: 'The build to wait for; usually a template such as `{{ .outputs.start.build_id }}`.' },
  max_attempts: { type: 'integer', description: 'How many times to poll before giving up.' },
  interval: { type: 'duration', description: 'Time between two polls.' },
  run: { type: 'string', description: 'The shell command to run.' },
  cwd: { type: 'string', description: 'The folder to run the command in, relative to the workspace.' },
  env: { type: 'scalarMap', description: 'Environment variables for the command.' },
  prompt: { type: 'string', description: 'What to ask the agent.' },
  role: { type: 'string', description: 'The agent role (its system prompt).' },
  model: { type: 'string', description: 'The model to use instead of the default.' },
  max_tokens: { type: 'integer', description: 'The most tokens the agent may produce.' },
  until: { type: 'condition', description: 'Wait until this condition holds (a template or expression).' },
  seconds: { type: 'number', description: 'Wait this many seconds.' },
};

export const BUILTIN_ACTIONS: Record<string, ActionRule> = {
  api: {
    required: ['method', 'endpoint'],
    optional: ['headers', 'body', 'query', 'expect_status'],
    description: 'Call the Orchard API (or any HTTP endpoint) and keep values from the JSON response.',
  },
  wait_build: {
    required: ['build_id'],
    optional: ['max_attempts', 'interval'],
    description: 'Poll a build until it finishes.',
  },
  shell: {
    required: ['run'],
    optional: ['cwd', 'env'],
    description: 'Run a shell command in the workspace.',
  },
  agent: {
    required: ['prompt'],
    optional: ['role', 'model', 'max_tokens'],
    description: 'Ask an agent to do something and keep its answer.',
  },
  wait: {
    required: [],
    optional: ['until', 'seconds', 'interval'],
    description: 'Wait until a condition holds (`until`) or for a number of seconds (`seconds`).',
  },
};

/** Actions that need one of several fields (ActionRule cannot say "or"). */
export const REQUIRED_ONE_OF: Record<string, string[]> = { wait: ['until', 'seconds'] };

export const TOP_LEVEL_FIELDS: Record<string, string> = {
  name: 'The tree name.',
  description: 'What the tree does.',
  vars: 'Variables, used as `{{ .vars.name }}`.',
  steps: 'Steps keyed by id; each has an `action`, optional `depends_on` and `outputs`.',
  teardown: 'Steps without ids that always run at the end, in order; they may use any step’s outputs.',
};

/**
 * The rule for an action: built-in rules merged with the workspace's, so a
 * workspace may add fields to `api` without losing the built-in ones.
 */
export function actionRule(action: string, extraActions: Record<string, ActionRule>): ActionRule | undefined {
  const builtin = Object.hasOwn(BUILTIN_ACTIONS, action) ? BUILTIN_ACTIONS[action] : undefined;
  const extra = Object.hasOwn(extraActions, action) ? extraActions[action] : undefined;
  if (!builtin) return extra;
  if (!extra) return builtin;
  return {
    required: [...new Set([...builtin.required, ...extra.required])],
    optional: [...new Set([...builtin.optional, ...extra.optional])],
    description: extra.description ?? builtin.description,
  };
}

export function allActionNames(extraActions: Record<string, ActionRule>): string[] {
  return [...new Set([...Object.keys(BUILTIN_ACTIONS), ...Object.keys(extraActions)])];
}

/** The type a field is checked against in a step with this action, if we know one. */
export function fieldSpec(action: string | undefined, key: string): FieldSpec | undefined {
  if (Object.hasOwn(COMMON_STEP_FIELDS, key)) return COMMON_STEP_FIELDS[key];
  // A workspace action may give a built-in field name another meaning: only type-check built-in actions.
  if (action === undefined || !Object.hasOwn(BUILTIN_ACTIONS, action)) return undefined;
  const rule = BUILTIN_ACTIONS[action]!;
  if (!rule.required.includes(key) && !rule.optional.includes(key)) return undefined;
  return ACTION_FIELDS[key];
}

/**
 * The tree file format as a zod/mini schema, generated from treeActions'
 * field table so it cannot drift from the validator. Its JSON Schema is
 * published for other YAML tools (yaml-language-server, CI linters). Workspace
 * actions (`.orchard/schema.yaml`) are not in it: only the live validator knows them.
 */
import * as z from 'zod/mini';
import '../zodLocale';
import { ACTION_FIELDS, BUILTIN_ACTIONS, COMMON_STEP_FIELDS, HTTP_METHODS, type FieldSpec } from './treeActions';

const templateString = z.string().check(z.regex(/\{\{.*\}\}/));
const nonNegativeInt = z.int().check(z.minimum(0));
const nonNegative = z.number().check(z.minimum(0));
const status = z.int().check(z.minimum(100), z.maximum(599));

function fieldSchema(spec: FieldSpec): z.ZodMiniType {
  switch (spec.type) {
    case 'string':
      return z.string();
    case 'integer':
      return z.union([nonNegativeInt, templateString]);
    case 'number':
      return z.union([nonNegative, templateString]);
    case 'duration':
      return z.union([nonNegative, z.string().check(z.regex(/^(\d+(\.\d+)?(ms|s|m|h)|.*\{\{.*\}\}.*)$/))]);
    case 'condition':
      return z.union([z.boolean(), z.string()]);
    case 'httpMethod':
      return z.union([z.enum(HTTP_METHODS), templateString]);
    case 'statusCodes':
      return z.union([status, templateString, z.array(z.union([status, templateString]))]);
    case 'scalarMap':
      return z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
    case 'dependsOn':
      return z.union([z.string(), z.array(z.string())]);
    case 'outputs':
      return z.array(z.record(z.string(), z.string()));
    case 'any':
      return z.unknown();
  }
}

function described(spec: FieldSpec): z.ZodMiniType {
  return fieldSchema(spec).register(z.globalRegistry, { description: spec.description });
}

function stepSchema(action: string, teardown: boolean): z.ZodMiniType {
  const rule = BUILTIN_ACTIONS[action]!;
  const shape: Record<string, z.ZodMiniType> = {};
  for (const [key, spec] of Object.entries(COMMON_STEP_FIELDS)) {
    if (teardown && key === 'depends_on') continue;
    shape[key] = z.optional(described(spec));
  }
  shape.action = z.literal(action).register(z.globalRegistry, { description: rule.description ?? action });
  for (const key of rule.optional) shape[key] = z.optional(described(ACTION_FIELDS[key]!));
  for (const key of rule.required) shape[key] = described(ACTION_FIELDS[key]!);
  return z.strictObject(shape);
}

const actions = Object.keys(BUILTIN_ACTIONS);
type StepOptions = [z.ZodMiniType, ...z.ZodMiniType[]];
const Step = z.union(actions.map((a) => stepSchema(a, false)) as StepOptions);
const TeardownStep = z.union(actions.map((a) => stepSchema(a, true)) as StepOptions);

export const CookbookTree = z.strictObject({
  name: z.string(),
  description: z.optional(z.string()),
  vars: z.optional(z.record(z.string(), z.unknown())),
  steps: z.record(z.string(), Step),
  teardown: z.optional(z.array(TeardownStep)),
});
export type CookbookTree = z.infer<typeof CookbookTree>;

/** JSON Schema (draft 2020-12) of a tree file, for other YAML tools. */
export function treeJsonSchema(): object {
  return {
    ...z.toJSONSchema(CookbookTree),
    title: 'Orchard cookbook tree',
    description: 'A cookbook tree: vars, steps keyed by id with depends_on and outputs, and teardown steps.',
  };
}

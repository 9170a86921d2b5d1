/**
 * What an agent's tool is: a name and description the model reads, a zod/mini
 * input schema that both declares the tool (as JSON Schema) and checks every
 * call where it arrives, and an effect the workspace trust decides on.
 */
import * as z from 'zod/mini';
import type { ToolSpec } from '../providers/modelProvider';
import { problemsFromZod } from '../../core/blueprint/blueprintFile';

/**
 * `read` tools only look; `write` tools change files (the blueprint included);
 * `run` tools start processes. In an untrusted workspace only `read` tools are
 * offered to the model.
 */
export type ToolEffect = 'read' | 'write' | 'run';

export interface ToolContext {
  signal: AbortSignal;
  trusted: boolean;
}

export interface AgentTool<I = unknown> {
  name: string;
  description: string;
  input: z.ZodMiniType<I, unknown>;
  effect: ToolEffect;
  /** Shown while the model streams a call to this tool ("Updating the blueprint…"). */
  activity?: string;
  /**
   * How many rejected calls (input that breaks the schema, or a ToolInputError
   * from `run`) the model gets to repair before the turn fails. Unset: the
   * iteration bound is the only limit.
   */
  maxRetries?: number;
  /** The failure message once `maxRetries` is used up; `problems` are the last rejection's. */
  rejectedTooOften?(attempts: number, problems: string[]): string;
  /** Runs a validated call; the returned text is the tool_result the model reads. */
  run(input: I, ctx: ToolContext): Promise<string>;
}

/**
 * A call the model can fix: its input is wrong in a way the schema could not
 * say. The problems go back to the model as an `is_error` tool_result and
 * count against the tool's `maxRetries`.
 */
export class ToolInputError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'ToolInputError';
  }
}

/**
 * A tool that ran and whose result is an error (a command refused by the policy, or one that
 * failed): goes to the model as an is_error result with this text as is. Not a rejected input:
 * it is not retried as one, nor counted against the tool's retries.
 */
export class ToolResultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolResultError';
  }
}

/** Ends the whole turn from inside a tool, with a message the user reads. */
export class TurnFailedError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'TurnFailedError';
  }
}

/**
 * The tool's declaration for the provider. `io: 'input'` describes what the
 * model may send (fields with defaults are optional), not what parsing yields.
 */
export function toolSpec(tool: AgentTool<any>): ToolSpec {
  const { $schema: _ignored, ...inputSchema } = z.toJSONSchema(tool.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { name: tool.name, description: tool.description, inputSchema };
}

export type CheckedInput<I> = { ok: true; value: I } | { ok: false; problems: string[] };

/** Validates a call's input; each problem starts with its JSON path (`$.sections.dataModel.status: …`). */
export function checkToolInput<I>(tool: AgentTool<I>, input: unknown): CheckedInput<I> {
  const result = tool.input.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: problemsFromZod(result.error).map((p) => `${p.path}: ${p.message}`) };
}

/** Whether the tool may be offered in this workspace. */
export function toolAllowed(tool: AgentTool<any>, trusted: boolean): boolean {
  return trusted || tool.effect === 'read';
}

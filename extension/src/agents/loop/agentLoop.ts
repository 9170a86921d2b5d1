/**
 * The agent loop every role reuses: send the conversation, stream the reply,
 * run the tools it calls, send their results back, until the model answers
 * without calling a tool — bounded by an iteration count, a token budget and
 * the user's Stop.
 *
 * Tool errors never end the turn by themselves: they go back to the model as
 * `is_error` results so it can repair the call. Only a tool's `maxRetries`, a
 * TurnFailedError, the bounds or a provider failure end it early.
 */
import { addUsage, ProviderError, ZERO_USAGE, type ContentBlock, type ModelMessage, type ModelProvider, type SystemBlock, type Usage } from '../providers/modelProvider';
import { usageBeforeStop } from '../providers/stoppedReply';
import { checkToolInput, toolAllowed, toolSpec, ToolInputError, ToolResultError, TurnFailedError, type AgentTool } from './tools';

export { toolSpec, ToolInputError, ToolResultError, TurnFailedError, type AgentTool, type ToolContext, type ToolEffect } from './tools';

export type AgentEvent =
  /** A piece of assistant text as it streams. */
  | { type: 'text'; text: string }
  /** What the agent is doing besides writing ("Updating the blueprint…"); null when that ended. */
  | { type: 'activity'; text: string | null }
  /** The provider retries a failed request (rate limit, overload) after `delayMs`. */
  | { type: 'retrying'; attempt: number; maxAttempts: number; delayMs: number; reason: string }
  /** The running total of the turn's usage, after each model request. */
  | { type: 'usage'; usage: Usage }
  /** A tool call about to run (or be refused), with its input as the model sent it. */
  | { type: 'tool-call'; id: string; name: string; input: unknown }
  /** What the model is told of that call. */
  | { type: 'tool-result'; id: string; name: string; content: string; isError: boolean };

export interface AgentLoopOptions {
  provider: ModelProvider;
  model: string;
  system: SystemBlock[];
  /** The conversation so far, ending with the new user message. */
  messages: ModelMessage[];
  tools: AgentTool<any>[];
  /** False in VS Code's Restricted Mode: tools that write or run are not offered. */
  trusted: boolean;
  /** Model requests at most in this turn. */
  maxIterations: number;
  /** Tokens (input, cached input and output of every request) at most; Infinity for no limit. */
  budgetTokens: number;
  /** Whose budget, for the message when it runs out; default an Architect turn's (orchard.budget.tokens). */
  budget?: BudgetName;
  /** `max_tokens` of each request. */
  maxTokens: number;
  signal: AbortSignal;
  onEvent(event: AgentEvent): void;
}

export interface AgentLoopResult {
  outcome: 'done' | 'stopped' | 'failed';
  /** All assistant text of the turn, paragraphs of successive requests joined; partial when stopped. */
  text: string;
  /** The conversation including this turn's assistant messages and tool results. */
  messages: ModelMessage[];
  usage: Usage;
  error?: { message: string; retryable: boolean };
}

/**
 * Every token a request processed counts, cached ones included: a runaway loop
 * re-reads a mostly cached conversation, and counting only uncached input
 * would let it run for a long time.
 */
export function budgetTokensUsed(usage: Usage): number {
  return usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens + usage.outputTokens;
}

export interface BudgetName {
  /** e.g. "this turn", "this build". */
  scope: string;
  /** Where the user sets it, e.g. "orchard.budget.tokens". */
  setting: string;
}

export const TURN_BUDGET: BudgetName = { scope: 'this turn', setting: 'orchard.budget.tokens' };
export const BUILD_BUDGET: BudgetName = { scope: 'this build', setting: 'orchard.build.budgetTokens, or orchard build --budget' };

export function budgetExceededMessage(used: number, budget: number, name: BudgetName = TURN_BUDGET): string {
  const n = (v: number) => v.toLocaleString('en-US');
  return `Stopped: ${name.scope} used ${n(used)} tokens, over the budget of ${n(budget)} (${name.setting}).`;
}

function untrustedNotice(withheld: AgentTool<any>[]): SystemBlock {
  return {
    text:
      'This workspace is not trusted (VS Code Restricted Mode). Tools that change files or run commands are not available in it: ' +
      withheld.map((t) => t.name).join(', ') +
      '. You can still talk with the developer. Say what you would change, and that trusting the workspace lets you do it.',
  };
}

function textOf(content: ContentBlock[]): string {
  return content
    .filter((b): b is Extract<ContentBlock, { type: 'text' }> => b.type === 'text')
    .map((b) => b.text)
    .join('');
}

function validateOptions(o: AgentLoopOptions): void {
  if (!Number.isInteger(o.maxIterations) || o.maxIterations < 1) throw new Error(`agent loop: maxIterations must be a positive integer, got ${o.maxIterations}`);
  if (!(o.budgetTokens > 0)) throw new Error(`agent loop: budgetTokens must be positive (Infinity for no limit), got ${o.budgetTokens}`);
  if (!Number.isInteger(o.maxTokens) || o.maxTokens < 1) throw new Error(`agent loop: maxTokens must be a positive integer, got ${o.maxTokens}`);
}

export async function runAgentLoop(opts: AgentLoopOptions): Promise<AgentLoopResult> {
  validateOptions(opts);
  const { provider, signal, onEvent } = opts;
  const offered = opts.tools.filter((t) => toolAllowed(t, opts.trusted));
  const withheld = opts.tools.filter((t) => !toolAllowed(t, opts.trusted));
  const system = withheld.length > 0 ? [...opts.system, untrustedNotice(withheld)] : opts.system;
  const toolSpecs = offered.map(toolSpec);
  const messages = [...opts.messages];
  const paragraphs: string[] = [];
  const rejections = new Map<string, number>();
  let usage = ZERO_USAGE;
  let activityShown = false;

  const setActivity = (text: string | null) => {
    if (text === null && !activityShown) return;
    activityShown = text !== null;
    onEvent({ type: 'activity', text });
  };
  const end = (outcome: AgentLoopResult['outcome'], partial = '', error?: AgentLoopResult['error']): AgentLoopResult => {
    setActivity(null);
    const text = [...paragraphs, partial].filter((p) => p.trim() !== '').join('\n\n');
    return error ? { outcome, text, messages, usage, error } : { outcome, text, messages, usage };
  };

  for (let iteration = 0; ; iteration++) {
    if (signal.aborted) return end('stopped');
    const used = budgetTokensUsed(usage);
    if (used > opts.budgetTokens) return end('failed', '', { message: budgetExceededMessage(used, opts.budgetTokens, opts.budget), retryable: false });
    if (iteration >= opts.maxIterations) {
      return end('failed', '', {
        message: `Stopped: the model made ${opts.maxIterations} requests in this turn without finishing (the limit per turn).`,
        retryable: false,
      });
    }

    let streamed = '';
    let reply: { content: ContentBlock[]; stopReason: string; usage: Usage } | undefined;
    try {
      const request = { model: opts.model, system, messages, tools: toolSpecs, maxTokens: opts.maxTokens };
      for await (const event of provider.stream(request, signal)) {
        // What arrives after Stop is not shown: the user saw the text end where they stopped it.
        if (signal.aborted) return end('stopped', streamed);
        if (event.type === 'text') {
          setActivity(null);
          streamed += event.text;
          onEvent({ type: 'text', text: event.text });
        } else if (event.type === 'tool_started') {
          const tool = offered.find((t) => t.name === event.name);
          setActivity(tool?.activity ?? `Using ${event.name}…`);
        } else if (event.type === 'retrying') {
          onEvent(event);
        } else {
          reply = event;
        }
      }
    } catch (error) {
      if (signal.aborted || (error instanceof ProviderError && error.kind === 'aborted')) {
        // A stopped request was billed for its input all the same: count what the provider learned of it.
        const beforeStop = usageBeforeStop(error);
        if (budgetTokensUsed(beforeStop) > 0) {
          usage = addUsage(usage, beforeStop);
          onEvent({ type: 'usage', usage });
        }
        return end('stopped', streamed);
      }
      if (error instanceof ProviderError) return end('failed', streamed, { message: error.message, retryable: error.retryable });
      return end('failed', streamed, { message: `The model request failed: ${error instanceof Error ? error.message : String(error)}`, retryable: true });
    }
    if (!reply) return end('failed', streamed, { message: 'The model stream ended without a final message.', retryable: true });

    usage = addUsage(usage, reply.usage);
    onEvent({ type: 'usage', usage });
    paragraphs.push(textOf(reply.content) || streamed);
    if (reply.content.length > 0) messages.push({ role: 'assistant', content: reply.content });

    const calls = reply.content.filter((b): b is Extract<ContentBlock, { type: 'tool_use' }> => b.type === 'tool_use');
    if (calls.length === 0) {
      if (reply.stopReason === 'pause_turn') continue;
      if (reply.stopReason === 'refusal') return end('failed', '', { message: 'The model declined to continue (refusal).', retryable: false });
      return end('done');
    }

    const results: ContentBlock[] = [];
    let failure: TurnFailedError | undefined;
    for (const call of calls) {
      if (failure) {
        // The turn is over; the remaining calls still need a result for the conversation to stay well formed.
        results.push({ type: 'tool_result', toolUseId: call.id, content: 'Not run: the turn ended.', isError: true });
        continue;
      }
      // At max_tokens the last block was cut off: its input is whatever JSON had arrived, not what the model meant.
      const cutOff = reply.stopReason === 'max_tokens' && call === calls[calls.length - 1] ? opts.maxTokens : null;
      onEvent({ type: 'tool-call', id: call.id, name: call.name, input: call.input });
      const outcome = await runToolCall(call, offered, withheld, rejections, signal, opts.trusted, cutOff);
      onEvent({ type: 'tool-result', id: call.id, name: call.name, content: outcome.content, isError: outcome.isError });
      results.push({ type: 'tool_result', toolUseId: call.id, content: outcome.content, ...(outcome.isError ? { isError: true } : {}) });
      if (outcome.failure) failure = outcome.failure;
    }
    messages.push({ role: 'user', content: results });
    setActivity(null);
    if (failure) return end('failed', '', { message: failure.message, retryable: failure.retryable });
  }
}

interface CallOutcome {
  content: string;
  isError: boolean;
  failure?: TurnFailedError;
}

async function runToolCall(
  call: { id: string; name: string; input: unknown },
  offered: AgentTool<any>[],
  withheld: AgentTool<any>[],
  rejections: Map<string, number>,
  signal: AbortSignal,
  trusted: boolean,
  cutOffAtMaxTokens: number | null,
): Promise<CallOutcome> {
  const tool = offered.find((t) => t.name === call.name);
  if (!tool) {
    const reason = withheld.some((t) => t.name === call.name)
      ? `The tool ${call.name} is not available: this workspace is not trusted.`
      : `There is no tool named ${call.name}. Available: ${offered.map((t) => t.name).join(', ') || 'none'}.`;
    return { content: reason, isError: true };
  }
  const reject = (problems: string[]): CallOutcome => {
    const attempts = (rejections.get(tool.name) ?? 0) + 1;
    rejections.set(tool.name, attempts);
    const content = `The input was rejected:\n${problems.map((p) => `- ${p}`).join('\n')}\nFix these and call ${tool.name} again.`;
    if (tool.maxRetries !== undefined && attempts > tool.maxRetries) {
      const message = tool.rejectedTooOften?.(attempts, problems) ?? `The ${tool.name} call was rejected ${attempts} times: ${problems.join('; ')}.`;
      return { content, isError: true, failure: new TurnFailedError(message, true) };
    }
    return { content, isError: true };
  };

  if (cutOffAtMaxTokens !== null) {
    return reject([`$: the call was cut off at the output limit (${cutOffAtMaxTokens.toLocaleString('en-US')} tokens), so its input is incomplete; send a smaller input`]);
  }
  const checked = checkToolInput(tool, call.input);
  if (!checked.ok) return reject(checked.problems);
  try {
    return { content: await tool.run(checked.value, { signal, trusted }), isError: false };
  } catch (error) {
    if (error instanceof ToolInputError) return reject(error.problems);
    if (error instanceof ToolResultError) return { content: error.message, isError: true };
    if (error instanceof TurnFailedError) return { content: error.message, isError: true, failure: error };
    return { content: `Error: ${error instanceof Error ? error.message : String(error)}`, isError: true };
  }
}

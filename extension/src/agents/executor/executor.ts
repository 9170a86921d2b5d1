/**
 * The executor agent with Orchard's own loop: reads the spec and the
 * project's memory, says its plan (the design phase), then implements, runs
 * the checks, and ends with a summary for the commit. Everything it does is
 * reported as operation events; the operation (orchestration/operations/)
 * decides the phases around it and makes the commit.
 */
import { chunkText, MAX_EVENT_TEXT, type NewOperationEvent } from '../../core/operations/operationEvents';
import { DEFAULT_MEMORY_LIMITS, readProjectMemory, renderProjectMemory } from '../loop/projectMemoryPrompt';
import { BUILD_BUDGET, runAgentLoop, type AgentEvent, type AgentLoopResult } from '../loop/agentLoop';
import { loadRolePrompt } from '../loop/rolePrompts';
import type { ModelProvider, SystemBlock, Usage } from '../providers/modelProvider';
import { commandTool, type CommandAnswer } from './commandTool';
import { fileTools } from './fileTools';
import { searchTool } from './searchTool';

export const EXECUTOR_MAX_ITERATIONS = 60;
export const EXECUTOR_MAX_TOKENS = 16_000;

export interface ExecutorInput {
  provider: ModelProvider;
  model: string;
  /** The worktree (a real path) the agent works in. */
  worktree: string;
  /** A folder the agent's commands may write besides the worktree. */
  tempDir: string;
  /** The spec Markdown (core/blueprint/specRenderer.ts). */
  spec: string;
  featureName: string;
  projectCommands: readonly string[];
  /** Whether the workspace is trusted: an override of the prompt is read only then (the build never runs untrusted). */
  trusted: boolean;
  promptsDir?: string;
  budgetTokens: number;
  maxIterations?: number;
  signal: AbortSignal;
  ask(command: string, reason: string): Promise<CommandAnswer>;
  emit(event: NewOperationEvent): void;
  /** Model usage of one request, as the loop reports it (a running total: the caller takes differences). */
  onUsage?(total: Usage): void;
  newCallId(): string;
  /** The build resumes after its runner died: the worktree holds the earlier run's changes. */
  resumed?: boolean;
}

export interface ExecutorResult {
  outcome: AgentLoopResult['outcome'];
  /** The agent's last words: its summary for the commit when it finished. */
  summary: string;
  usage: Usage;
  error?: { message: string; retryable: boolean };
}

export async function systemBlocks(input: Pick<ExecutorInput, 'worktree' | 'trusted' | 'promptsDir'>): Promise<SystemBlock[]> {
  const prompt = await loadRolePrompt('executor', { workspaceRoot: input.worktree, trusted: input.trusted, ...(input.promptsDir ? { promptsDir: input.promptsDir } : {}) });
  const blocks: SystemBlock[] = [{ text: prompt.text, cache: true }];
  const memory = renderProjectMemory(await readProjectMemory(input.worktree, DEFAULT_MEMORY_LIMITS), DEFAULT_MEMORY_LIMITS);
  if (memory) blocks.push({ text: memory, cache: true });
  return blocks;
}

export function firstMessage(input: Pick<ExecutorInput, 'featureName' | 'projectCommands' | 'spec' | 'resumed'>): string {
  const commands = input.projectCommands.length > 0 ? input.projectCommands.map((c) => `- \`${c}\``).join('\n') : '- none detected: find them in the project';
  return [
    `Implement the feature "${input.featureName}" in this worktree, as the spec below describes.`,
    ...(input.resumed
      ? ['', 'An earlier run of this build was interrupted: the worktree already holds what it changed. Look at the files first, keep what is right, and finish the work.']
      : []),
    '',
    "The project's commands that run without asking:",
    commands,
    '',
    '<spec>',
    input.spec,
    '</spec>',
  ].join('\n');
}

/** The input of a tool call as text for its event, cut to what an event holds. */
export function inputText(input: unknown): string {
  const text = JSON.stringify(input) ?? 'null';
  return text.length <= MAX_EVENT_TEXT ? text : `${text.slice(0, MAX_EVENT_TEXT - 40)}… (${text.length} characters)`;
}

export async function runExecutor(input: ExecutorInput): Promise<ExecutorResult> {
  let system: SystemBlock[];
  try {
    system = await systemBlocks(input);
  } catch (error) {
    const message = `The executor could not start: ${error instanceof Error ? error.message : String(error)}`;
    return { outcome: 'failed', summary: '', usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }, error: { message, retryable: false } };
  }
  const tools = [
    ...fileTools(input.worktree),
    searchTool({ worktree: input.worktree, signal: input.signal }),
    commandTool({
      worktree: input.worktree,
      tempDir: input.tempDir,
      projectCommands: input.projectCommands,
      ask: input.ask,
      emit: input.emit,
      unsandboxed: () => input.emit({ type: 'error', message: 'Commands run without a sandbox on this system (bubblewrap is not available): they can write outside the worktree.' }),
      newCallId: input.newCallId,
    }),
  ];
  // Agent text is kept per model request and sent as events in whole paragraphs, not per streamed token.
  let pending = '';
  const flushText = () => {
    for (const piece of chunkText(pending.trim() === '' ? '' : pending)) input.emit({ type: 'agent-text', text: piece });
    pending = '';
  };
  const onEvent = (event: AgentEvent) => {
    switch (event.type) {
      case 'text':
        pending += event.text;
        return;
      case 'tool-call':
        flushText();
        input.emit({ type: 'tool-call', callId: event.id.slice(0, 200), tool: event.name.slice(0, 200), input: inputText(event.input) });
        return;
      case 'tool-result':
        input.emit({ type: 'tool-result', callId: event.id.slice(0, 200), ok: !event.isError, output: chunkText(event.content)[0] ?? '' });
        return;
      case 'usage':
        flushText();
        input.onUsage?.(event.usage);
        return;
      default:
        return;
    }
  };
  const loop = await runAgentLoop({
    provider: input.provider,
    model: input.model,
    system,
    messages: [{ role: 'user', content: [{ type: 'text', text: firstMessage(input) }] }],
    tools,
    trusted: input.trusted,
    maxIterations: input.maxIterations ?? EXECUTOR_MAX_ITERATIONS,
    budgetTokens: input.budgetTokens,
    budget: BUILD_BUDGET,
    maxTokens: EXECUTOR_MAX_TOKENS,
    signal: input.signal,
    onEvent,
  });
  flushText();
  const summary = loop.messages.length > 0 ? lastAssistantText(loop) : '';
  const result: ExecutorResult = { outcome: loop.outcome, summary, usage: loop.usage };
  return loop.error ? { ...result, error: loop.error } : result;
}

/** The text of the final assistant message: what the agent said when it stopped calling tools. */
function lastAssistantText(loop: AgentLoopResult): string {
  for (let i = loop.messages.length - 1; i >= 0; i--) {
    const message = loop.messages[i]!;
    if (message.role !== 'assistant') continue;
    const text = message.content.filter((b): b is Extract<typeof b, { type: 'text' }> => b.type === 'text').map((b) => b.text).join('').trim();
    if (text !== '') return text;
  }
  return '';
}

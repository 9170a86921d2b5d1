/**
 * One Architect turn: the developer's message in, the reply and (when the
 * Architect changed the plan) the new blueprint out. The caller saves the
 * blueprint through the BlueprintStore with the transcript; nothing here
 * writes a file.
 *
 * A turn changes the blueprint only through `update_blueprint`, whose input is
 * checked against the blueprint schema; after two repaired rejections the third
 * fails the turn and the previous blueprint stays as it was. A failed turn
 * never returns a blueprint. A stopped turn returns the blueprint the
 * Architect had already updated: every accepted update is whole and valid,
 * and the caller decides whether to keep it.
 */
import type { Blueprint } from '../../core/blueprint/blueprint';
import { serializeBlueprint } from '../../core/blueprint/blueprintFile';
import { withComputedReadiness } from '../../core/blueprint/readiness';
import type { TranscriptMessage } from '../../core/chat/transcript';
import { runAgentLoop, type AgentEvent } from '../loop/agentLoop';
import { architectMessages, type ArchitectImage } from './architectContext';
import { recordReferences } from './architectReferences';
import { BlueprintDraft, updateBlueprintTool } from './architectTools';
import { DEFAULT_MEMORY_LIMITS, readProjectMemory, renderProjectMemory, type MemoryLimits } from '../loop/projectMemoryPrompt';
import { loadRolePrompt } from '../loop/rolePrompts';
import { ZERO_USAGE, type ModelProvider, type SystemBlock, type Usage } from '../providers/modelProvider';
import type { ReferenceDigest } from '../references/referenceTypes';

export type { AgentEvent } from '../loop/agentLoop';
export type { ArchitectImage } from './architectContext';

/** Model requests per turn: a few updates with repairs and a final answer fit well within it. */
export const ARCHITECT_MAX_ITERATIONS = 8;
/** Output tokens per request: a whole blueprint in one tool call must not be cut off. */
export const ARCHITECT_MAX_TOKENS = 16_384;

export interface ArchitectTurnInput {
  provider: ModelProvider;
  model: string;
  /** The current blueprint (the file's content). */
  blueprint: Blueprint;
  /** Earlier final messages, oldest first (text only; images are named, not resent). */
  history: TranscriptMessage[];
  userText: string;
  /** Attached images; `name` is the stored copy's workspace-relative path (`.orchard/references/<slug>/mock-1.png`). */
  images: ArchitectImage[];
  /** Fetched URLs, already reduced to text and design tokens. */
  references: ReferenceDigest[];
  /** For project memory and the prompt override; null without a folder. */
  workspaceRoot: string | null;
  /** False in Restricted Mode: the Architect talks but cannot change the blueprint. */
  trusted: boolean;
  /** `orchard.budget.tokens`; Infinity for no limit. */
  budgetTokens: number;
  maxTokens?: number;
  maxIterations?: number;
  /** The extension's `prompts/` folder (`<extensionPath>/prompts`); found next to the bundle when unset. */
  promptsDir?: string;
  memoryLimits?: MemoryLimits;
  signal: AbortSignal;
  onEvent(e: AgentEvent): void;
}

export interface ArchitectTurnResult {
  outcome: 'done' | 'stopped' | 'failed';
  /** What the user reads: the turn's text, partial when stopped. */
  assistantText: string;
  /** The updated blueprint (readyToBuild decided by the host rules), or null when unchanged. */
  blueprint: Blueprint | null;
  usage: Usage;
  error?: { message: string; retryable: boolean };
}

async function systemBlocks(input: ArchitectTurnInput): Promise<SystemBlock[]> {
  const prompt = await loadRolePrompt('architect', {
    workspaceRoot: input.workspaceRoot,
    trusted: input.trusted,
    ...(input.promptsDir ? { promptsDir: input.promptsDir } : {}),
  });
  // Two cache breakpoints: the role prompt never changes between turns, memory rarely does.
  const blocks: SystemBlock[] = [{ text: prompt.text, cache: true }];
  if (input.workspaceRoot) {
    const limits = input.memoryLimits ?? DEFAULT_MEMORY_LIMITS;
    const memory = renderProjectMemory(await readProjectMemory(input.workspaceRoot, limits), limits);
    if (memory) blocks.push({ text: memory, cache: true });
  }
  return blocks;
}

/**
 * The blueprint this turn leaves behind, or null for none: the accepted
 * update with the turn's references recorded. In a trusted workspace
 * references are recorded even when the Architect did not call the tool; in
 * an untrusted one nothing changes.
 */
function resultingBlueprint(input: ArchitectTurnInput, draft: BlueprintDraft): Blueprint | null {
  if (!input.trusted) return null;
  const recorded = recordReferences(draft.current, input.references, input.images);
  const result = recorded === draft.current ? draft.current : withComputedReadiness(recorded, recorded.readyToBuild);
  // An update that restates the plan as it was is no change: no revision for it.
  return serializeBlueprint(result) === serializeBlueprint(input.blueprint) ? null : result;
}

export async function runArchitectTurn(input: ArchitectTurnInput): Promise<ArchitectTurnResult> {
  let system: SystemBlock[];
  try {
    system = await systemBlocks(input);
  } catch (error) {
    const message = `The Architect could not start: ${error instanceof Error ? error.message : String(error)}`;
    return { outcome: 'failed', assistantText: '', blueprint: null, usage: ZERO_USAGE, error: { message, retryable: false } };
  }

  const draft = new BlueprintDraft(input.blueprint);
  const messages = architectMessages(input.history, { blueprint: input.blueprint, userText: input.userText, images: input.images, references: input.references });
  const loop = await runAgentLoop({
    provider: input.provider,
    model: input.model,
    system,
    messages,
    tools: [updateBlueprintTool(draft)],
    trusted: input.trusted,
    maxIterations: input.maxIterations ?? ARCHITECT_MAX_ITERATIONS,
    budgetTokens: input.budgetTokens,
    maxTokens: input.maxTokens ?? ARCHITECT_MAX_TOKENS,
    signal: input.signal,
    onEvent: input.onEvent,
  });

  const blueprint = loop.outcome === 'failed' ? null : resultingBlueprint(input, draft);
  const result: ArchitectTurnResult = { outcome: loop.outcome, assistantText: loop.text, blueprint, usage: loop.usage };
  return loop.error ? { ...result, error: loop.error } : result;
}

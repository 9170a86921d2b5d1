/**
 * An in-memory ModelProvider that plays back scripted replies and records
 * every request, for testing the loop's logic at the provider interface. The
 * wire format is tested separately through the real Anthropic provider and the
 * fake server.
 */
import { ProviderError, type ContentBlock, type ModelProvider, type ModelRequest, type ProviderEvent, type StopReason, type Usage } from '../../../../extension/src/agents/providers/modelProvider';

export interface ScriptedReply {
  content: ContentBlock[];
  stopReason?: StopReason;
  usage?: Partial<Usage>;
  /** Events before the text streams (e.g. `retrying`). */
  before?: ProviderEvent[];
  /** Stream the text, then wait until the request is aborted (a reply the user stops). */
  hangAfterText?: boolean;
}

export type ScriptStep = ScriptedReply | ProviderError | ((request: ModelRequest) => ScriptedReply);

export const text = (t: string, usage?: Partial<Usage>): ScriptedReply => ({ content: [{ type: 'text', text: t }], stopReason: 'end_turn', ...(usage ? { usage } : {}) });

let toolIds = 0;
export function toolCall(name: string, input: unknown, say = '', usage?: Partial<Usage>): ScriptedReply {
  const content: ContentBlock[] = say ? [{ type: 'text', text: say }] : [];
  content.push({ type: 'tool_use', id: `toolu_${++toolIds}`, name, input });
  return { content, stopReason: 'tool_use', ...(usage ? { usage } : {}) };
}

function chunks(s: string): string[] {
  // Split in two so that the loop sees more than one delta per block.
  const mid = Math.ceil(s.length / 2);
  return s.length > 1 ? [s.slice(0, mid), s.slice(mid)] : [s];
}

export class ScriptedProvider implements ModelProvider {
  readonly id = 'anthropic' as const;
  readonly requests: ModelRequest[] = [];

  constructor(private readonly steps: ScriptStep[]) {}

  get remaining(): number {
    return this.steps.length;
  }

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ProviderEvent> {
    // A deep copy: the loop keeps appending to its arrays after the request.
    this.requests.push(structuredClone(request));
    const step = this.steps.shift();
    if (!step) throw new Error(`scripted provider: no reply left for request ${this.requests.length}`);
    if (step instanceof ProviderError) throw step;
    const reply = typeof step === 'function' ? step(request) : step;
    for (const event of reply.before ?? []) yield event;
    for (const block of reply.content) {
      if (block.type === 'text') for (const piece of chunks(block.text)) yield { type: 'text', text: piece };
      if (block.type === 'tool_use') yield { type: 'tool_started', id: block.id, name: block.name };
    }
    if (reply.hangAfterText) {
      await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
      throw new ProviderError('The request was stopped.', 'aborted', false);
    }
    const usage: Usage = { inputTokens: 100, outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0, ...reply.usage };
    yield { type: 'message', content: reply.content, stopReason: reply.stopReason ?? 'end_turn', usage, model: request.model };
  }
}

/** The tool_result blocks of a request's last message. */
export function toolResults(request: ModelRequest | undefined): Extract<ContentBlock, { type: 'tool_result' }>[] {
  const last = request?.messages[request.messages.length - 1];
  return (last?.content ?? []).filter((b): b is Extract<ContentBlock, { type: 'tool_result' }> => b.type === 'tool_result');
}

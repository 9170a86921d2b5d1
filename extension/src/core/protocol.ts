/**
 * The host <-> webview protocol: the one module both sides import.
 * Every message is validated with these schemas where it arrives; anything
 * that does not parse is logged and dropped, never acted on.
 */
import * as z from 'zod/mini';
import './zodLocale';
import { Blueprint, MAX_SLUG_LENGTH } from './blueprint/blueprint';
import { isValidOperationId, Operation } from './operations/operation';
import { OperationEvent } from './operations/operationEvents';
import { OperationView } from './operations/operationView';

/** Which surface a webview instance is: the Studio panel, the sidebar Architect view, or the Agent Grid panel. */
export const WebviewKind = z.enum(['studio', 'architect', 'agents']);
export type WebviewKind = z.infer<typeof WebviewKind>;

/**
 * A blueprint file's name without `.json`. Entries may carry a name that is not
 * a valid slug (the file is then shown as invalid), so this only rules out
 * what could escape the blueprints folder. The host acts only on slugs it knows.
 */
const Slug = z.string().check(
  z.minLength(1),
  z.maxLength(MAX_SLUG_LENGTH + 40),
  z.refine((s) => !/[/\\]/.test(s) && s !== '.' && s !== '..', 'not a blueprint name'),
);

export const BlueprintProblemMsg = z.strictObject({
  path: z.string(),
  message: z.string(),
  line: z.optional(z.int().check(z.positive())),
  column: z.optional(z.int().check(z.positive())),
});

/** One `.orchard/blueprints/*.json` file as the host read it. */
export const BlueprintEntry = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), slug: Slug, file: z.string(), blueprint: Blueprint }),
  z.strictObject({ ok: z.literal(false), slug: Slug, file: z.string(), problems: z.array(BlueprintProblemMsg).check(z.minLength(1)) }),
]);
export type BlueprintEntry = z.infer<typeof BlueprintEntry>;

/** One revision of a blueprint on its private ref, numbered from 1, oldest first. */
export const RevisionMsg = z.strictObject({
  rev: z.int().check(z.positive()),
  commit: z.string().check(z.regex(/^[0-9a-f]{40,64}$/)),
  /** ISO 8601. */
  time: z.string(),
  message: z.string(),
});
export type RevisionMsg = z.infer<typeof RevisionMsg>;

const Rev = z.int().check(z.positive());

/** A blueprint's history as the Plan pane shows it. */
export const HistoryState = z.discriminatedUnion('state', [
  z.strictObject({
    state: z.literal('ok'),
    revisions: z.array(RevisionMsg),
    /** False when the file on disk differs from the newest revision (edited by hand, not yet saved as a revision). */
    fileMatchesHead: z.boolean(),
  }),
  /** The workspace folder is not a git repository: files still save, history is off until `git init`. */
  z.strictObject({ state: z.literal('no-git') }),
  z.strictObject({ state: z.literal('error'), message: z.string() }),
]);
export type HistoryState = z.infer<typeof HistoryState>;


// ---- chat (the Architect conversation) ------------------------------------

/** Tokens of one turn or of a blueprint so far; `costUsd` is an estimate, null for a model without a known price. */
export const UsageMsg = z.strictObject({
  inputTokens: z.int().check(z.nonnegative()),
  outputTokens: z.int().check(z.nonnegative()),
  cacheReadTokens: z.int().check(z.nonnegative()),
  cacheWriteTokens: z.int().check(z.nonnegative()),
  costUsd: z.nullable(z.number().check(z.nonnegative())),
});
export type UsageMsg = z.infer<typeof UsageMsg>;

export const IMAGE_MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
export const MAX_ATTACHMENTS = 8;

/** An image the user pasted, dropped or attached: sent whole once, with the message that carries it. */
export const ImageAttachment = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(200)),
  mediaType: z.enum(IMAGE_MEDIA_TYPES),
  /** Base64 of the file; at most 5 MB decoded (checked again on the host). */
  base64: z.string().check(z.maxLength(Math.ceil(MAX_IMAGE_BYTES / 3) * 4 + 4)),
});
export type ImageAttachment = z.infer<typeof ImageAttachment>;

/** Studio pane widths (chat / plan / preview) as fractions of its width, until the user drags a splitter. */
export const DEFAULT_PANE_SIZES: readonly [number, number, number] = [0.3, 0.35, 0.35];

/** What a transcript shows of an attachment once sent: no image data, a workspace-relative path to the stored copy. */
export const AttachmentRef = z.strictObject({
  name: z.string(),
  mediaType: z.enum(IMAGE_MEDIA_TYPES),
  /** Workspace-relative, e.g. `.orchard/references/todo-sharing/mock-1.png`; the host turns it into a webview URI. */
  path: z.optional(z.string()),
});

/** One final message of a conversation (never a partial one). */
export const ChatMessageMsg = z.strictObject({
  id: z.string().check(z.minLength(1), z.maxLength(100)),
  role: z.enum(['user', 'assistant']),
  /** Markdown for assistant messages, plain text for user messages. */
  content: z.string(),
  /** ISO 8601. */
  time: z.string(),
  attachments: z.optional(z.array(AttachmentRef)),
  /** Assistant messages: what the turn cost. */
  usage: z.optional(UsageMsg),
  /** Assistant messages: the revision this turn saved, when it changed the blueprint. */
  rev: z.optional(Rev),
  /** User messages: credentials the host removed before the text was saved or sent; the view says so under the message. */
  credentialsRemoved: z.optional(z.int().check(z.positive())),
});
export type ChatMessageMsg = z.infer<typeof ChatMessageMsg>;

const TurnId = z.string().check(z.minLength(1), z.maxLength(100));

// ---- operations (the Agent Grid and the Studio's Build tab) ----------------

const OperationId = z.string().check(z.refine(isValidOperationId, 'not an operation id'));
/** How many operations one surface may watch at once (the grid's cards). */
export const MAX_WATCHED_OPERATIONS = 24;

/** An operation as a card shows it: the record, the feature it builds, its cost so far. */
export const OperationSummaryMsg = z.strictObject({
  operation: Operation,
  featureName: z.string().check(z.maxLength(200)),
  /** An estimate in USD from list prices; null when the model's price is unknown. */
  costUsd: z.nullable(z.number().check(z.nonnegative())),
});
export type OperationSummaryMsg = z.infer<typeof OperationSummaryMsg>;

/** A build's app served from its worktree for the Studio's live preview. */
export const PreviewStateMsg = z.strictObject({
  id: OperationId,
  state: z.enum(['starting', 'running', 'failed', 'stopped']),
  /** The command as it runs, e.g. `npm run dev`; null before one was chosen. */
  command: z.nullable(z.string().check(z.maxLength(2000))),
  /** What the iframe opens (through asExternalUri, so it works remotely); null unless running. */
  url: z.nullable(z.string().check(z.maxLength(4096))),
  /** Why it failed or stopped, in words. */
  message: z.nullable(z.string().check(z.maxLength(4000))),
  /** The server's last output, shown when it failed. */
  output: z.string().check(z.maxLength(16_384)),
  /** Bumped when the build changed the worktree (it completed): the iframe reloads. */
  revision: z.int().check(z.nonnegative()),
});
export type PreviewStateMsg = z.infer<typeof PreviewStateMsg>;

/** What the user can do with an operation from a card; each is the Operations view's command of the same name. */
export const OperationAction = z.enum(['stop', 'showLog', 'discard', 'resume', 'openWorktree', 'answer']);
export type OperationAction = z.infer<typeof OperationAction>;

// ---- host -> webview -------------------------------------------------------

export const HostToWebview = z.discriminatedUnion('type', [
  /** Sent in answer to `ready`: what this surface is and the workspace's state. */
  z.strictObject({
    type: z.literal('init'),
    kind: WebviewKind,
    workspaceName: z.nullable(z.string()),
    trusted: z.boolean(),
    apiKeySet: z.boolean(),
    /**
     * Webview URI of the workspace's `.orchard/references/` folder (images attached in chat are kept
     * there as `<slug>/<file>`); thumbnails and chat attachments resolve `AttachmentRef.path` and image
     * references against it. Null or absent without a workspace folder.
     */
    referencesBaseUri: z.optional(z.nullable(z.string())),
  }),
  /** The whole list of blueprint files, sent on `ready` and whenever one changes on disk. */
  z.strictObject({
    type: z.literal('blueprints/snapshot'),
    folderOpen: z.boolean(),
    entries: z.array(BlueprintEntry),
  }),
  z.strictObject({ type: z.literal('apiKey/status'), set: z.boolean() }),
  /** Ask the Studio to show a blueprint (after it was created, or picked from a command). */
  z.strictObject({ type: z.literal('blueprint/reveal'), slug: Slug }),
  /** Focus a Studio pane (1 chat, 2 plan, 3 preview): the Ctrl/Cmd+1/2/3 keybindings, which VS Code would otherwise take for editor groups. */
  z.strictObject({ type: z.literal('studio/focusPane'), pane: z.union([z.literal(1), z.literal(2), z.literal(3)]) }),
  /** A blueprint's revisions, in answer to `history/request` and after each new revision. */
  z.strictObject({ type: z.literal('history/result'), slug: Slug, history: HistoryState }),
  /** The readable difference between two revisions, in answer to `history/compare`. */
  z.strictObject({ type: z.literal('history/diff'), slug: Slug, revA: Rev, revB: Rev, text: z.string(), sectionsChanged: z.array(z.string()) }),
  /** Open and scroll to the History section of a blueprint (the Blueprint History command). */
  z.strictObject({ type: z.literal('history/show'), slug: Slug }),
  /** A blueprint's whole conversation (final messages only), in answer to `chat/open` and after a reload. */
  z.strictObject({
    type: z.literal('chat/transcript'),
    slug: Slug,
    messages: z.array(ChatMessageMsg),
    /** Everything this blueprint's conversation has cost so far. */
    total: UsageMsg,
    /** A turn still running for this blueprint (the view was reloaded mid-turn): its id, so Stop works. */
    runningTurnId: z.nullable(TurnId),
    /** Which provider and model answer, e.g. "claude-sonnet-4-5 via the Anthropic API"; null when none is configured. */
    provider: z.nullable(z.string()),
  }),
  /** A turn began: the user's message as stored. Every surface showing this blueprint appends it. */
  z.strictObject({ type: z.literal('chat/turnStarted'), slug: Slug, turnId: TurnId, message: ChatMessageMsg }),
  /** Streamed assistant text of a running turn, batched by the host (never persisted). */
  z.strictObject({ type: z.literal('chat/delta'), slug: Slug, turnId: TurnId, text: z.string() }),
  /** What the turn is doing besides writing: "Updating the blueprint…", "Overloaded — retrying in 4 s (2 of 4)". Null clears it. */
  z.strictObject({ type: z.literal('chat/activity'), slug: Slug, turnId: TurnId, text: z.nullable(z.string()) }),
  /** A turn ended. `message` is the final assistant message when there is one (also after Stop, with what was written). */
  z.strictObject({
    type: z.literal('chat/turnEnded'),
    slug: Slug,
    turnId: TurnId,
    outcome: z.enum(['done', 'stopped', 'failed']),
    message: z.nullable(ChatMessageMsg),
    /** For `failed`: what went wrong, in words the user can act on. */
    error: z.optional(z.string()),
    /** Whether Retry makes sense (a 529 after its retries, a network error); false for a budget stop or a bad key. */
    retryable: z.optional(z.boolean()),
    /** The blueprint's running total after this turn. */
    total: UsageMsg,
  }),
  /** The outcome of a request, for the surface that made it. */
  z.strictObject({ type: z.literal('notice'), level: z.enum(['info', 'error']), text: z.string() }),
  /** Every operation of the workspace, newest first; sent on `ready` and whenever one changes. */
  z.strictObject({ type: z.literal('operations/list'), operations: z.array(OperationSummaryMsg).check(z.maxLength(200)) }),
  /** A watched operation's view folded from its whole log; live events from `view.seq + 1` follow. */
  z.strictObject({ type: z.literal('operations/replay'), id: OperationId, view: OperationView }),
  /**
   * Live events of watched operations, batched: for each, in order, the first following the last one
   * sent. One message for every operation streaming at once, not one each: the webview keeps up
   * better with fewer, larger messages (bench:agents, four builds).
   */
  z.strictObject({
    type: z.literal('operations/events'),
    batches: z
      .array(z.strictObject({ id: OperationId, events: z.array(OperationEvent).check(z.minLength(1), z.maxLength(10_000)) }))
      .check(z.minLength(1), z.maxLength(100)),
  }),
  /** A live preview started, runs, failed or stopped. */
  z.strictObject({ type: z.literal('preview/state'), preview: PreviewStateMsg }),
]);
export type HostToWebview = z.infer<typeof HostToWebview>;

// ---- webview -> host -------------------------------------------------------

export const WebviewToHost = z.discriminatedUnion('type', [
  /** The webview has mounted and listens; the host answers with `init` and a snapshot. */
  z.strictObject({ type: z.literal('ready') }),
  z.strictObject({
    type: z.literal('blueprint/create'),
    featureName: z.string().check(z.trim(), z.minLength(1, 'a feature name is required'), z.maxLength(120)),
    summary: z.string().check(z.maxLength(2000)),
  }),
  /** Open the blueprint's JSON file in an editor. */
  z.strictObject({ type: z.literal('blueprint/openFile'), slug: Slug }),
  z.strictObject({ type: z.literal('build/request'), slug: Slug }),
  z.strictObject({ type: z.literal('apiKey/set') }),
  z.strictObject({ type: z.literal('studio/open'), slug: z.optional(Slug) }),
  /** Ask for a blueprint's revisions (when it is selected, and after its file changed). */
  z.strictObject({ type: z.literal('history/request'), slug: Slug }),
  z.strictObject({ type: z.literal('history/compare'), slug: Slug, revA: Rev, revB: Rev }),
  /** Restore a revision: the host asks the user to confirm first. */
  z.strictObject({ type: z.literal('history/restore'), slug: Slug, rev: Rev }),
  /** Record the file as it is on disk (edited by hand) as a new revision. */
  z.strictObject({ type: z.literal('revision/save'), slug: Slug }),
  /** Show a blueprint's conversation: the host answers with `chat/transcript`. */
  z.strictObject({ type: z.literal('chat/open'), slug: Slug }),
  /**
   * The user's message for the Architect, with images; URLs in the text are fetched as design
   * references. `slug: null` starts a new blueprint from this message (the host creates it, then
   * sends `blueprint/reveal` and `chat/turnStarted` with its slug).
   */
  z.strictObject({
    type: z.literal('chat/send'),
    slug: z.nullable(Slug),
    text: z.string().check(z.maxLength(100_000)),
    attachments: z._default(z.array(ImageAttachment).check(z.maxLength(MAX_ATTACHMENTS)), []),
  }),
  /** Stop the running turn (what streamed so far is kept as the assistant's message). */
  z.strictObject({ type: z.literal('chat/stop'), slug: Slug, turnId: TurnId }),
  /** Run the last user message again after a failed or stopped turn. */
  z.strictObject({ type: z.literal('chat/retry'), slug: Slug }),
  /** Something the webview dropped or refused (a malformed host message): logged to the Orchard log, never acted on. */
  z.strictObject({ type: z.literal('webview/problem'), text: z.string().check(z.maxLength(500)) }),
  /** Turn the workspace folder into a git repository so blueprints get history; `slug` is the blueprint whose history is shown. */
  z.strictObject({ type: z.literal('git/init'), slug: Slug }),
  /** The operations this surface shows: the host replays each one new to it, then streams its events. */
  z.strictObject({ type: z.literal('operations/watch'), ids: z.array(OperationId).check(z.maxLength(MAX_WATCHED_OPERATIONS)) }),
  /** The surface missed events of a watched operation (a gap in seq): replay it again. */
  z.strictObject({ type: z.literal('operations/resync'), id: OperationId }),
  /** Stop, open the log, discard, resume, open the worktree or answer the question of an operation. */
  z.strictObject({ type: z.literal('operations/action'), id: OperationId, action: OperationAction }),
  /** Serve the build's app from its worktree for the live preview (again, after it stopped). */
  z.strictObject({ type: z.literal('preview/start'), id: OperationId }),
  z.strictObject({ type: z.literal('preview/stop'), id: OperationId }),
]);
export type WebviewToHost = z.infer<typeof WebviewToHost>;

export type ParsedMessage<T> = { ok: true; message: T } | { ok: false; reason: string };

function parseWith<T>(schema: z.ZodMiniType<T>, raw: unknown): ParsedMessage<T> {
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'message';
  return { ok: false, reason: `${where}: ${issue?.message ?? 'invalid'}` };
}

export const parseWebviewMessage = (raw: unknown) => parseWith(WebviewToHost, raw);
export const parseHostMessage = (raw: unknown) => parseWith(HostToWebview, raw);

/** Persisted by the webview through `setState` and handed back on restore. */
export const StudioViewState = z.object({
  selectedSlug: z._default(z.nullable(z.string()), null),
  /** Pane widths as fractions of the Studio's width, chat / plan / preview. */
  paneSizes: z._default(z.tuple([z.number(), z.number(), z.number()]), [...DEFAULT_PANE_SIZES]),
  /** The Preview pane's tab. */
  previewTab: z.catch(z._default(z.enum(['spec', 'build', 'app']), 'spec'), 'spec'),
});
export type StudioViewState = z.infer<typeof StudioViewState>;

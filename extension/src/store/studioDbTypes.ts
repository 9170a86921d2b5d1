/**
 * The studio DB's public shapes: rows as StudioDb returns them, its options and
 * errors, and the rebuild source the extension backs with the git refs.
 */
import type { SqlValue } from 'sql.js';
import type { TranscriptMessage } from '../core/chat/transcript';
import type { OperationStatus } from './studioDbJournal';

export type { OperationStatus } from './studioDbJournal';

export interface BlueprintRow {
  slug: string;
  featureName: string;
  /** A BlueprintStatus ('draft' | 'building' | 'built' | 'archived'); kept as text so a newer status survives. */
  status: string;
  readyToBuild: boolean;
  headCommit: string | null;
  revisionCount: number;
  updatedAt: string;
}
export interface StoredMessage extends TranscriptMessage {
  rev: number;
  ord: number;
}
export interface OperationRow {
  id: string;
  kind: string;
  slug: string | null;
  status: OperationStatus;
  owner: string | null;
  createdAt: string;
  updatedAt: string;
}
export interface EventRow {
  operationId: string;
  seq: number;
  time: string;
  phase: string;
  type: string;
  data: unknown;
}
/** One blueprint as the rebuild source (the git refs) knows it; messages oldest first. */
export interface RebuiltBlueprint extends Omit<BlueprintRow, 'updatedAt'> {
  updatedAt?: string;
  messages: ReadonlyArray<TranscriptMessage & { rev: number }>;
}
export type RebuildSource = () => AsyncIterable<RebuiltBlueprint> | Iterable<RebuiltBlueprint>;

export interface StudioDbOptions {
  /** The snapshot file, in the workspace storage folder; siblings get `.journal`, `.lock`. */
  file: string;
  /** sql-wasm.wasm: `dist/sql-wasm.wasm` in the extension. */
  wasmPath: string;
  log?: (line: string) => void;
  /** Yields every blueprint; called when the DB file is missing or unreadable. */
  rebuild?: RebuildSource;
  /** Debounce before a batch is written (default 250 ms). */
  persistDelayMs?: number;
  /** Journal size that triggers a snapshot (default 4 MiB). */
  compactAfterBytes?: number;
  /** A running/waiting operation of a dead window is lost after this long without an event (default 10 s). */
  lostAfterMs?: number;
  /** A lock older than this is taken over even if its holder's pid exists (default 30 s). */
  staleLockMs?: number;
}

export interface StudioDbStats {
  /** Journal appends (write batches) so far. */
  persists: number;
  /** Snapshots written so far. */
  compactions: number;
  recordsWritten: number;
  /** The longest synchronous section of the DB's own work, and what it was. */
  longestSyncMs: number;
  longestSyncWhat: string;
  /** The longest synchronous section of each kind ('export snapshot', 'encode batch', ...). */
  longestSyncByWhat: Record<string, number>;
}

export class StudioDbError extends Error {
  constructor(
    message: string,
    readonly code: 'closed' | 'read-only' | 'not-owner' | 'unknown-operation' | 'invalid',
  ) {
    super(message);
    this.name = 'StudioDbError';
  }
}

export function toBlueprint(r: Record<string, SqlValue>): BlueprintRow {
  return {
    slug: String(r.slug),
    featureName: String(r.feature_name),
    status: String(r.status),
    readyToBuild: r.ready_to_build === 1,
    headCommit: r.head_commit === null ? null : String(r.head_commit),
    revisionCount: Number(r.revision_count),
    updatedAt: String(r.updated_at),
  };
}

export function toOperation(r: Record<string, SqlValue>): OperationRow {
  return {
    id: String(r.id),
    kind: String(r.kind),
    slug: r.slug === null ? null : String(r.slug),
    status: r.status as OperationStatus,
    owner: r.owner === null || r.owner === undefined ? null : String(r.owner),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  };
}

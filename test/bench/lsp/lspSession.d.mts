// Types for lspSession.mjs, so TypeScript tests can drive a server with it.
import type { ChildProcess } from 'node:child_process';
import type { MessageConnection } from 'vscode-languageserver/node';

export interface PublishedDiagnostics {
  at: number;
  params: { uri: string; version?: number; diagnostics: unknown[] };
}

export declare class LspSession {
  static start(options: {
    name: string;
    command: string;
    args: string[];
    cwd: string;
    rootUri: string;
    settings: (section: string) => unknown;
  }): Promise<LspSession>;
  readonly name: string;
  readonly child: ChildProcess;
  readonly connection: MessageConnection;
  readonly logs: string[];
  readonly published: PublishedDiagnostics['params'][];
  notifyConfiguration(settings: unknown): Promise<void>;
  open(uri: string, languageId: string, text: string, version?: number): Promise<void>;
  nextDiagnostics(uri: string, version?: number, timeoutMs?: number): Promise<PublishedDiagnostics>;
  /** Returns the time the change was sent. */
  edit(uri: string, version: number, offset: number, length: number, newText: string): number;
  close(): Promise<void>;
}

import * as vscode from 'vscode';

/**
 * The Anthropic API key lives only in SecretStorage (or the environment). It
 * is never logged, written to settings, or sent to a webview: webviews learn
 * only whether a key is set.
 */
const SECRET_KEY = 'orchard.anthropic.apiKey';

export class ApiKeyStore implements vscode.Disposable {
  private readonly _onDidChange = new vscode.EventEmitter<boolean>();
  readonly onDidChange = this._onDidChange.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    // Another window may set or clear the key; SecretStorage tells us.
    this.subscription = secrets.onDidChange(async (e) => {
      if (e.key === SECRET_KEY) this._onDidChange.fire(await this.isSet());
    });
  }

  /**
   * The key for a model request: SecretStorage first, then ANTHROPIC_API_KEY.
   * Callers hold it only for the request that needs it and never log it.
   */
  async get(): Promise<string | undefined> {
    const stored = (await this.secrets.get(SECRET_KEY))?.trim();
    return stored || process.env.ANTHROPIC_API_KEY?.trim() || undefined;
  }

  async isSet(): Promise<boolean> {
    return (await this.get()) !== undefined;
  }

  async store(key: string): Promise<void> {
    await this.secrets.store(SECRET_KEY, key);
  }

  async clear(): Promise<void> {
    await this.secrets.delete(SECRET_KEY);
  }

  dispose(): void {
    this.subscription.dispose();
    this._onDidChange.dispose();
  }
}

/** Shape check only: enough to catch a pasted wrong value, not a validity check. */
export function apiKeyProblem(value: string): string | undefined {
  const key = value.trim();
  if (key === '') return 'Enter a key, or press Escape to cancel.';
  if (/\s/.test(key)) return 'An API key has no spaces.';
  if (!key.startsWith('sk-ant-')) return 'Anthropic API keys start with "sk-ant-".';
  if (key.length < 20) return 'That key is too short.';
  return undefined;
}

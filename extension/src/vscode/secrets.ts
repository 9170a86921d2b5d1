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

  async isSet(): Promise<boolean> {
    return Boolean((await this.secrets.get(SECRET_KEY)) || process.env.ANTHROPIC_API_KEY);
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

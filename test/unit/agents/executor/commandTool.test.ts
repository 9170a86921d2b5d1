/**
 * run_command end to end on a real folder: the policy decides, the user is
 * asked only when it does not, the command runs in the worktree with its
 * output as events, and the model reads a bounded answer.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandTool, MODEL_OUTPUT_CHARS, type CommandAnswer } from '../../../../extension/src/agents/executor/commandTool';
import { ToolResultError } from '../../../../extension/src/agents/loop/tools';
import type { NewOperationEvent } from '../../../../extension/src/core/operations/operationEvents';

let base: string;
let events: NewOperationEvent[];
let asked: Array<[string, string]>;
let answer: CommandAnswer;

beforeEach(() => {
  base = fs.realpathSync(fs.mkdtempSync(path.join(fs.existsSync('/var/tmp') ? '/var/tmp' : os.tmpdir(), 'orchard-cmdtool-')));
  fs.mkdirSync(path.join(base, 'tree'));
  fs.mkdirSync(path.join(base, 'tmp'));
  fs.writeFileSync(path.join(base, 'tree', 'package.json'), '{"scripts":{"test":"echo tests pass"}}\n');
  events = [];
  asked = [];
  answer = 'deny';
});
afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

function tool() {
  let n = 0;
  return commandTool({
    worktree: path.join(base, 'tree'),
    tempDir: path.join(base, 'tmp'),
    projectCommands: ['npm test'],
    ask: async (command, reason) => {
      asked.push([command, reason]);
      return answer;
    },
    emit: (e) => void events.push(e),
    newCallId: () => `c${++n}`,
  });
}
const ctx = () => ({ signal: new AbortController().signal, trusted: true });

describe('run_command', () => {
  it('runs a project command at once, in the worktree, with its output as events', async () => {
    const result = await tool().run({ command: 'npm test --silent' }, ctx());
    expect(result).toBe('The command exited with 0.\ntests pass\n');
    expect(asked).toEqual([]);
    expect(events).toEqual([
      { type: 'command-output', callId: 'c1', stream: 'stdout', text: 'tests pass\n' },
      { type: 'command-exit', callId: 'c1', exitCode: 0, signal: null, timedOut: false },
    ]);
  }, 60_000);

  it('refuses a denied command without asking, and says why', async () => {
    await expect(tool().run({ command: 'git push origin HEAD' }, ctx())).rejects.toThrow(/Not run: git push origin HEAD: pushes to a remote/);
    expect(asked).toEqual([]);
    expect(events).toEqual([]);
  });

  it('asks about an unknown command; a denial goes back to the model, nothing runs', async () => {
    const t = tool();
    // A refusal, not a rejected input; and nobody is said to have refused (headless, nobody was asked).
    await expect(t.run({ command: 'touch made-by-agent' }, ctx())).rejects.toThrow(ToolResultError);
    await expect(t.run({ command: 'touch made-by-agent' }, ctx())).rejects.toThrow(/^Not run: it was not allowed \(touch made-by-agent is not one of the project's commands\)/);
    expect(asked[0]).toEqual(['touch made-by-agent', "touch made-by-agent is not one of the project's commands"]);
    expect(fs.existsSync(path.join(base, 'tree', 'made-by-agent'))).toBe(false);
  });

  it('"for this operation" is asked once; "once" every time', async () => {
    const t = tool();
    answer = 'operation';
    await t.run({ command: 'touch a' }, ctx());
    await t.run({ command: 'touch a' }, ctx());
    expect(asked).toHaveLength(1);
    answer = 'once';
    await t.run({ command: 'touch b' }, ctx());
    await t.run({ command: 'touch b' }, ctx());
    expect(asked).toHaveLength(3);
    expect(fs.readdirSync(path.join(base, 'tree')).sort()).toEqual(['a', 'b', 'package.json']);
  });

  it('reports a failure and a timeout, and gives the model the start and end of a long output', async () => {
    answer = 'once';
    const t = tool();
    // A failed check is an error result the model (and the log) sees as one; padding at line ends is dropped.
    await expect(t.run({ command: "printf 'x   \\ny\\n'; ls missing-file" }, ctx())).rejects.toThrow(/^The command failed \(exit 2\)\.\nx\ny\n/);
    await expect(t.run({ command: 'sleep 20', timeoutSeconds: 1 }, ctx())).rejects.toThrow(/^The command timed out after 1 s and was stopped\. It printed nothing\.$/);
    const long = await t.run({ command: 'seq 1 200000' }, ctx());
    expect(long.length).toBeLessThan(MODEL_OUTPUT_CHARS + 200);
    expect(long).toMatch(/^The command exited with 0\.\n1\n2\n3\n/);
    expect(long).toMatch(/characters of output not shown …\]\n[\s\S]*199999\n200000\n$/);
    // Every byte is in the events, in order.
    const out = events.filter((e) => e.type === 'command-output' && e.callId === 'c3').map((e) => (e as { text: string }).text).join('');
    expect(out.split('\n').length).toBe(200_001);
  }, 60_000);
});

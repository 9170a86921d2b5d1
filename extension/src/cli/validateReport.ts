/**
 * How `orchard validate` prints what it found: compiler-style text lines, a
 * JSON array with 1-based positions for scripts, or SARIF 2.1.0 for code
 * scanning (GitHub and others), with one rule per documented diagnostic code.
 * Pure: files are already relative to the root, diagnostics already sorted.
 */
import type { OrchardDiagnostic, Severity } from '../core/diagnostics/diagnostic';

export type ReportFormat = 'text' | 'json' | 'sarif';
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'sarif'];

export interface FileReport {
  /** Relative to the root, with `/`. */
  file: string;
  diagnostics: OrchardDiagnostic[];
  /** Refused (over its size limit, or unreadable): its one diagnostic says why. */
  notChecked?: true;
}

/** One entry of `--format json`. */
export interface JsonProblem {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  code: string;
  message: string;
}

export function toJsonProblems(reports: readonly FileReport[]): JsonProblem[] {
  return reports.flatMap(({ file, diagnostics }) =>
    diagnostics.map((d) => ({
      file,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      endLine: d.range.end.line + 1,
      endColumn: d.range.end.character + 1,
      severity: d.severity,
      code: d.code,
      message: d.message,
    })),
  );
}

export function countBySeverity(reports: readonly FileReport[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const r of reports) for (const d of r.diagnostics) counts[d.severity]++;
  return counts;
}

export function formatText(reports: readonly FileReport[]): string {
  const lines = toJsonProblems(reports).map((p) => `${p.file}:${p.line}:${p.column}: ${p.severity} ${p.code}: ${p.message}`);
  const counts = countBySeverity(reports);
  const refused = reports.filter((r) => r.notChecked).length;
  const files = reports.length - refused;
  const checked = `${files} file${files === 1 ? '' : 's'} checked${refused > 0 ? `, ${refused} not checked` : ''}`;
  const found = (Object.keys(counts) as Severity[])
    .filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s === 'information' ? 'info' : s}${counts[s] === 1 || s === 'information' ? '' : 's'}`);
  lines.push(found.length ? `${found.join(', ')} (${checked})` : `No problems (${checked})`);
  return `${lines.join('\n')}\n`;
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/**
 * SARIF 2.1.0. `codes` maps every known code to its meaning (the rules);
 * a result with a code outside the map still gets a rule, so `ruleIndex` is always valid.
 */
export function formatSarif(reports: readonly FileReport[], codes: Record<string, string>, rootUri: string): string {
  const meanings = { ...codes };
  for (const r of reports) for (const d of r.diagnostics) meanings[d.code] ??= d.code;
  const ruleIds = Object.keys(meanings).sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const results = reports.flatMap(({ file, diagnostics }) =>
    diagnostics.map((d) => ({
      ruleId: d.code,
      ruleIndex: ruleIndex.get(d.code)!,
      level: SARIF_LEVEL[d.severity],
      message: { text: d.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: encodeURI(file), uriBaseId: 'ROOT' },
            region: {
              startLine: d.range.start.line + 1,
              startColumn: d.range.start.character + 1,
              endLine: d.range.end.line + 1,
              endColumn: d.range.end.character + 1,
            },
          },
        },
      ],
    })),
  );
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'orchard',
            fullName: 'Orchard Studio validator (orchard validate)',
            rules: ruleIds.map((id) => ({ id, shortDescription: { text: meanings[id]! } })),
          },
        },
        originalUriBaseIds: { ROOT: { uri: rootUri.endsWith('/') ? rootUri : `${rootUri}/` } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

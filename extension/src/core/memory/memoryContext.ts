import type { ProjectSchema } from '../projectSchema/projectSchema';
import type { ValidationFs } from '../diagnostics/diagnostic';

/** What every memory feature needs besides the document: the workspace folder, its files and its schema. */
export interface MemoryContext {
  /** The workspace folder (absolute POSIX path). */
  root: string;
  fs: ValidationFs;
  schema: ProjectSchema;
}

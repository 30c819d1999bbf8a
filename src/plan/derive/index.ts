import type { DeriveInput as DeriveSpec } from '../../recipe/schema.js';
import { deriveCudaRelease } from './cuda-release.js';
import { deriveMirror } from './mirror.js';
import { deriveFromTable } from './table.js';
import { deriveTorchIndex } from './torch-index.js';
import { deriveTorchRelease } from './torch-release.js';
import { deriveTorchVariant } from './torch-variant.js';
import type { Deriver } from './types.js';

// Every deriver a recipe may `use`, by name.
export const DERIVERS: Record<DeriveSpec['use'], Deriver> = {
  table: deriveFromTable,
  'torch-variant': deriveTorchVariant,
  'torch-release': deriveTorchRelease,
  'torch-index': deriveTorchIndex,
  mirror: deriveMirror,
  'cuda-release': deriveCudaRelease,
};

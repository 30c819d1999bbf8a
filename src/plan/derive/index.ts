import type { DeriveInput as DeriveSpec } from '../../recipe/schema.js';
import { deriveFromTable } from './table.js';
import { deriveTorchVariant } from './torch-variant.js';
import type { Deriver } from './types.js';

// Every deriver a recipe may `use`, by name.
export const DERIVERS: Record<DeriveSpec['use'], Deriver> = {
  table: deriveFromTable,
  'torch-variant': deriveTorchVariant,
};

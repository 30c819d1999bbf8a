import type { RecipeStatus } from './status.js';

// Everything the runner reports, as data; reporters decide how it looks.
export type RunEvent =
  | { type: 'run-start'; target: string; machine: string; recipes: { id: string; status: RecipeStatus; steps: number }[]; logDir: string }
  | { type: 'recipe-start'; id: string; status: RecipeStatus; steps: number }
  | { type: 'step-start'; id: string; step: number; title: string; kind: string }
  | { type: 'step-skip'; id: string; step: number; title: string; reason: string }
  | { type: 'step-output'; id: string; step: number; text: string }
  | { type: 'step-progress'; id: string; step: number; received: number; total: number | undefined }
  | { type: 'step-retry'; id: string; step: number; attempt: number; of: number; delayMs: number; reason: string }
  | { type: 'step-done'; id: string; step: number; title: string; ms: number }
  | { type: 'step-fail'; id: string; step: number; title: string; command: string; code: number; tail: string[]; log: string; hints: string[]; reason: string }
  | { type: 'recipe-done'; id: string; status: RecipeStatus; ran: number }
  | { type: 'recipe-fail'; id: string; reason: string; tail: string[]; hints: string[] }
  // The box's facts after `after` differ from what the plan predicted: the recipes not yet reached are planned again.
  | { type: 'replan'; after: string[]; changed: string; recipes: { id: string; status: RecipeStatus; steps: number }[] }
  | { type: 'run-done'; ok: boolean; ran: number; installed: string[]; satisfied: number; skipped: number; failed?: string; ms: number; logDir: string; interrupted?: string; resume?: string };

// Receives events in order.
export type Emit = (event: RunEvent) => void;

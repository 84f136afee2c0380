/**
 * The roles an agent can take: the PM who plans, one per work stage of the pipeline (in its order), the
 * Director who supervises and the CICD agent who deploys. Each has a prompt and settings in `role_configs`.
 */
import { PIPELINE } from './pipeline.ts';

export const ROLE_NAMES = Object.freeze([
  'pm',
  ...PIPELINE.map((row) => row.stage),
  'director',
  'cicd',
] as const);

export type RoleName = (typeof ROLE_NAMES)[number];

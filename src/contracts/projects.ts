/** Projects as the API answers with them. */
import { z } from 'zod';
import { pipelineSchema } from '../domain/pipeline-schema.ts';
import { DEPLOY_WITH, RELEASE_MODES } from '../domain/release.ts';
import { id, timestamp } from './common.ts';
import { directorRuleSettingsSchema } from './director.ts';

/** A week: an agent's timeout beyond it is a mistake (and past 2^31 ms a timer would fire at once). */
export const MAX_TIMEOUT_SECONDS = 604_800;

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name');
/**
 * Limits of agent work: tokens (input and output), cost as the agent CLIs report it, and wall time (the
 * elapsed time of the jobs a worker ran, in seconds).
 */
const budgetSettings = z.object({
  tokens: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  costUsd: z.number().positive().max(1e9).optional(),
  wallSeconds: z.number().positive().max(1e9).optional(),
});
const sandboxSettings = z.object({ network: z.enum(['on', 'none']).optional() });

/** A project's settings, as it is given them and as the API answers with them. */
export const projectSettingsSchema = z.object({
  roles: z
    .record(
      z.string(),
      z.object({
        backend: z.string().max(100).optional(),
        model: z.string().max(200).optional(),
        timeoutSeconds: z.number().int().positive().max(MAX_TIMEOUT_SECONDS).optional(),
        binary: z.string().max(2000).optional(),
        baseUrl: z
          .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
          .max(2000)
          .optional(),
        apiKeyEnv: envName.optional(),
        sandbox: sandboxSettings.optional(),
      }),
    )
    .optional(),
  sandbox: sandboxSettings.extend({ allowUnsandboxed: z.boolean().optional() }).optional(),
  passEnv: z.array(envName).optional(),
  scriptedRecipe: z.string().max(2000).optional(),
  pipeline: pipelineSchema.optional(),
  release: z
    .object({
      mode: z.enum(RELEASE_MODES).optional(),
      remote: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'expected a git remote name (like origin)')
        .optional(),
      deployWith: z.enum(DEPLOY_WITH).optional(),
      deployDir: z
        .string()
        .max(2000)
        .regex(/^\/[^\0]*$/, 'expected an absolute folder path')
        .refine((path) => !path.split('/').includes('..'), 'expected a path without ..')
        .optional(),
    })
    .optional(),
  parallelOverlap: z.boolean().optional(),
  director: z
    .object({
      enabled: z.boolean().optional(),
      rules: directorRuleSettingsSchema.optional(),
    })
    .optional(),
  /** Each run's limits, each task's (`task`) and the project's total over all its runs (`total`). */
  budget: budgetSettings
    .extend({ task: budgetSettings.optional(), total: budgetSettings.optional() })
    .optional(),
  /** `required`: a task waits for a person's acceptance of its change before it merges into its run. */
  review: z.object({ required: z.boolean().optional() }).optional(),
});

export const projectSchema = z.strictObject({
  id,
  name: z.string(),
  repository: z.string(),
  default_branch: z.string(),
  test_command: z.string().nullable(),
  lint_command: z.string().nullable(),
  build_command: z.string().nullable(),
  deploy_command: z.string().nullable(),
  /** Per-role agents, confinement, passed environment, the scripted recipe, the pipeline and the release. */
  settings: projectSettingsSchema,
  created_at: timestamp,
  updated_at: timestamp,
});
export type Project = z.infer<typeof projectSchema>;

export const projectListSchema = z.strictObject({ items: z.array(projectSchema) });

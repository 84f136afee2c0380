/**
 * Validation of a pipeline a project declares (`settings.pipeline`): apart from the table so that the
 * dashboard, which reads the table, does not carry zod.
 */
import { z } from 'zod';
import { BUILT_IN_STAGES, MAX_STAGES, type PipelineEntry, STAGE_NAME } from './pipeline.ts';

/** Names that are not work stages: the ends of the stage machine and the roles outside the pipeline. */
const RESERVED_NAMES = new Set(['none', 'complete', 'pm', 'director', 'cicd']);

export const stageNameSchema = z
  .string()
  .regex(STAGE_NAME, 'expected a stage name: lower-case letters, digits and dashes, at most 31');

const customStage = z.strictObject({
  stage: stageNameSchema,
  title: z.string().trim().min(1).max(40).optional(),
  command: z.string().trim().min(1).max(2000),
});

/**
 * A project's pipeline as it declares it: built-in stages by name, in any order, and stages of its own that
 * run a command. DEV comes first: it is the stage that makes the change every other stage judges.
 */
export const pipelineSchema: z.ZodType<PipelineEntry[]> = z
  .array(z.union([z.enum(BUILT_IN_STAGES), customStage]))
  .min(1)
  .max(MAX_STAGES)
  .superRefine((entries, ctx) => {
    const names = entries.map((entry) => (typeof entry === 'string' ? entry : entry.stage));
    if (names.length > 0 && names[0] !== 'dev')
      ctx.addIssue({
        code: 'custom',
        path: [0],
        message: 'the pipeline starts with dev, the stage that makes the change',
      });
    names.forEach((name, index) => {
      if (names.indexOf(name) !== index)
        ctx.addIssue({ code: 'custom', path: [index], message: `stage ${name} appears twice` });
      const entry = entries[index];
      if (
        typeof entry !== 'string' &&
        (RESERVED_NAMES.has(name) || (BUILT_IN_STAGES as readonly string[]).includes(name))
      )
        ctx.addIssue({
          code: 'custom',
          path: [index, 'stage'],
          message: `${name} is taken: name a project stage something other than a built-in stage or role`,
        });
    });
  });

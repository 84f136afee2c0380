import type { DirectorRule } from '../rule.ts';
import { budget } from './budget.ts';
import { dry } from './dry.ts';
import { falseDone } from './false-done.ts';
import { migrations } from './migrations.ts';
import { orm } from './orm.ts';
import { repeatedFailure } from './repeated-failure.ts';
import { silentJob } from './silent-job.ts';
import { stuckRun } from './stuck-run.ts';
import { stuckTask } from './stuck-task.ts';
import { tdd } from './tdd.ts';
import { testTampering } from './test-tampering.ts';

/** Every rule, in the order a tick runs them: the cheap database reads first, then the git reads. */
export const DIRECTOR_RULE_LIST: readonly DirectorRule[] = [
  budget,
  stuckTask,
  stuckRun,
  silentJob,
  repeatedFailure,
  falseDone,
  testTampering,
  tdd,
  migrations,
  orm,
  dry,
];

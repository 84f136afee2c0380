/**
 * The scripted teams of the conflict tests. The PM plans two tasks that wait for nothing, so their DEV
 * agents work at once, each writing src/greetings.js its own way (a test of its own beside it). Whichever
 * is merged into the run branch second conflicts and goes back to DEV, whose agents play the steps given
 * (looking, failing, leaving the markers) until the last writes the resolution that keeps both greetings.
 * Every review passes.
 */
import { PASS_REPORT as pass, type Step, TEST_PASS } from './agents.ts';

const ONLY_ENGLISH = "export const greetings = {\n  en: 'hello',\n};\n";
const ONLY_SPANISH = "export const greetings = {\n  es: 'hola',\n};\n";
export const BOTH_GREETINGS = "export const greetings = {\n  en: 'hello',\n  es: 'hola',\n};\n";

const TITLES = { en: 'Greet in English', es: 'Greet in Spanish' } as const;

const PLAN_GREETINGS: Step = {
  role: 'pm',
  actions: [
    {
      report: {
        file: 'tasks.json',
        content: {
          tasks: [
            {
              key: 'en',
              title: TITLES.en,
              acceptance: ["greetings.en is 'hello'"],
              files: ['src/greetings.js'],
            },
            {
              key: 'es',
              title: TITLES.es,
              acceptance: ["greetings.es is 'hola'"],
              files: ['src/greetings.js'],
            },
          ],
        },
      },
    },
  ],
};

/** A DEV step played after the conflict, for either task. */
export type AfterConflict = Omit<Step, 'role' | 'task'>;

/** The last DEV step after the conflict: it says its prompt and resolves the conflict. */
const RESOLVE: AfterConflict = {
  actions: [{ echo_prompt: true }, { write: { path: 'src/greetings.js', content: BOTH_GREETINGS } }],
};

function greetingSteps(
  language: 'en' | 'es',
  alone: string,
  word: string,
  afterConflict: AfterConflict[],
): Step[] {
  const task = TITLES[language];
  const test = TEST_PASS(
    `import { greetings } from '../src/greetings.js';\n\ntest('${language}', () => assert.equal(greetings.${language}, '${word}'));\n`,
  );
  return [
    {
      role: 'dev',
      task,
      actions: [
        { write: { path: 'src/greetings.js', content: alone } },
        { write: { path: `test/greet-${language}.test.js`, content: test } },
      ],
    },
    // Played only by the task merged second, after its merge into the run branch conflicted.
    ...[...afterConflict, RESOLVE].map((step): Step => ({ role: 'dev', task, ...step })),
    { role: 'qa', task, actions: [{ run: 'npm test' }, pass('bugs.json')] },
    { role: 'sec', task, actions: [pass('security_report.json')] },
    {
      role: 'docs',
      task,
      actions: [
        { write: { path: `docs/greet-${language}.md`, content: `# greetings.${language}\n\n${word}\n` } },
        pass('docs_report.json'),
      ],
    },
  ];
}

/** The two greeting tasks, the second merged playing `afterConflict` before it resolves the conflict. */
export function greetingTeam(afterConflict: AfterConflict[]): Step[] {
  return [
    PLAN_GREETINGS,
    ...greetingSteps('en', ONLY_ENGLISH, 'hello', afterConflict),
    ...greetingSteps('es', ONLY_SPANISH, 'hola', afterConflict),
  ];
}

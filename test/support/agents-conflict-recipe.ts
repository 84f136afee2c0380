/**
 * The scripted team of the conflict test. The PM plans two tasks that wait for nothing, so their DEV agents
 * work at once, each writing src/greetings.js its own way (a test of its own beside it). Whichever is merged
 * into the run branch second conflicts; its next DEV agent says its prompt and shows the file as Workhorse
 * left it, but leaves the markers (DEV fails on them); the one after writes the resolution that keeps both
 * greetings. Every review passes.
 */
import { PASS_REPORT as pass, type Step, TEST_PASS } from './agents.ts';

export const ONLY_ENGLISH = "export const greetings = {\n  en: 'hello',\n};\n";
export const ONLY_SPANISH = "export const greetings = {\n  es: 'hola',\n};\n";
export const BOTH_GREETINGS = "export const greetings = {\n  en: 'hello',\n  es: 'hola',\n};\n";

export const TITLES = { en: 'Greet in English', es: 'Greet in Spanish' } as const;

export const PLAN_GREETINGS: Step = {
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

function greetingSteps(language: 'en' | 'es', alone: string, word: string): Step[] {
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
    // Played only by the task merged second, after its merge into the run branch conflicted: the first
    // attempt looks and leaves the markers, the next one resolves the conflict.
    { role: 'dev', task, actions: [{ echo_prompt: true }, { run: 'cat src/greetings.js' }] },
    {
      role: 'dev',
      task,
      actions: [{ echo_prompt: true }, { write: { path: 'src/greetings.js', content: BOTH_GREETINGS } }],
    },
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

export const GREETING_STEPS: Step[] = [
  PLAN_GREETINGS,
  ...greetingSteps('en', ONLY_ENGLISH, 'hello'),
  ...greetingSteps('es', ONLY_SPANISH, 'hola'),
];

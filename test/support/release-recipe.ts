/**
 * A scripted team whose one task passes every stage at once, for tests of what happens after the tasks:
 * the run's test, its deploy approval, the release and the deploy. Each feature has files of its own, so
 * that runs on one repository released one after another each change something.
 */
import { PASS_REPORT as pass, type Step, TEST_PASS } from './agents.ts';

/** The PM plans one task, "Add <feature>". */
export function planOne(feature: string): Step {
  return {
    role: 'pm',
    actions: [
      {
        report: {
          file: 'tasks.json',
          content: {
            tasks: [
              {
                key: feature,
                title: `Add ${feature}`,
                acceptance: [`${feature}() answers 42`],
                files: [`src/${feature}.js`],
              },
            ],
          },
        },
      },
    ],
  };
}

/** DEV writes the feature, its test and its documentation; the reviewers pass it. */
export function oneTaskPasses(feature: string): Step[] {
  const test = TEST_PASS(
    `import { ${feature} } from '../src/${feature}.js';\n\ntest('${feature}', () => assert.equal(${feature}(), 42));\n`,
  );
  return [
    {
      role: 'dev',
      task: `Add ${feature}`,
      actions: [
        {
          write: { path: `src/${feature}.js`, content: `export function ${feature}() {\n  return 42;\n}\n` },
        },
        { write: { path: `test/${feature}.test.js`, content: test } },
        { write: { path: `docs/${feature}.md`, content: `# ${feature}()\n\nAnswers 42.\n` } },
      ],
    },
    ...reviewersPass(`Add ${feature}`),
  ];
}

export function reviewersPass(task: string): Step[] {
  return [
    { role: 'qa', task, actions: [pass('bugs.json')] },
    { role: 'sec', task, actions: [pass('security_report.json')] },
    { role: 'docs', task, actions: [pass('docs_report.json')] },
  ];
}

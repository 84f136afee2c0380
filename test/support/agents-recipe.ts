/**
 * The scripted team of the end-to-end test. The PM plans two tasks (product waits for sum). On sum, DEV
 * first writes a bug that its own test catches (QA claims a pass anyway and weakens the test: the gate
 * fails regardless), then a fix built on eval (SEC reports it as high), then the real fix; DOCS documents it.
 * On product everything passes at once.
 */
import { PASS_REPORT as pass, type Step, TEST_PASS } from './agents.ts';

export const BUGGY_SUM = 'export function sum(a, b) {\n  return a - b;\n}\n';
export const EVAL_SUM = 'export function sum(a, b) {\n  return eval(a + "+" + b);\n}\n';
export const FIX_SUM = 'export function sum(a, b) {\n  return a + b;\n}\n';
const PRODUCT = 'export function product(a, b) {\n  return a * b;\n}\n';
export const SUM_TEST = TEST_PASS(
  "import { sum } from '../src/sum.js';\n\ntest('sum adds', () => assert.equal(sum(2, 3), 5));\n",
);
const WEAK_TEST = TEST_PASS("test('sum adds', () => assert.ok(true));\n");
const PRODUCT_TEST = TEST_PASS(
  "import { product } from '../src/product.js';\n\ntest('product multiplies', () => assert.equal(product(2, 3), 6));\n",
);
const README_SUM = '# demo\n\n## sum(a, b)\n\nReturns a + b.\n';
export const README_PRODUCT = `${README_SUM}\n## product(a, b)\n\nReturns a * b.\n`;

/** The PM's step for a run of one task: add sum. */
export const PLAN_SUM_ONLY: Step = {
  role: 'pm',
  actions: [
    {
      report: {
        file: 'tasks.json',
        content: { tasks: [{ key: 'sum', title: 'Add a sum function', acceptance: ['sum(2, 3) is 5'] }] },
      },
    },
  ],
};

export const PLAN: Step = {
  role: 'pm',
  actions: [
    {
      report: {
        file: 'tasks.json',
        content: {
          tasks: [
            {
              key: 'sum',
              title: 'Add a sum function',
              description: 'src/sum.js exports sum(a, b).',
              priority: 8,
              acceptance: ['sum(2, 3) is 5'],
              files: ['src/sum.js'],
            },
            {
              key: 'product',
              title: 'Add a product function',
              acceptance: ['product(2, 3) is 6'],
              blocked_by: ['sum'],
            },
          ],
        },
      },
    },
  ],
};

export const SUM_STEPS: Step[] = [
  {
    role: 'dev',
    task: 'sum',
    actions: [
      { write: { path: 'src/sum.js', content: BUGGY_SUM } },
      { write: { path: 'test/sum.test.js', content: SUM_TEST } },
    ],
  },
  { role: 'dev', task: 'sum', actions: [{ write: { path: 'src/sum.js', content: EVAL_SUM } }] },
  { role: 'dev', task: 'sum', actions: [{ write: { path: 'src/sum.js', content: FIX_SUM } }] },
  {
    role: 'qa',
    task: 'sum',
    actions: [
      { write: { path: 'test/sum.test.js', content: WEAK_TEST } },
      { run: 'npm test' },
      pass('bugs.json'),
    ],
  },
  { role: 'qa', task: 'sum', actions: [{ run: 'npm test' }, pass('bugs.json')] },
  {
    role: 'sec',
    task: 'sum',
    actions: [
      {
        report: {
          file: 'security_report.json',
          content: {
            status: 'fail',
            summary: 'sum evaluates code built from its input',
            findings: [
              {
                severity: 'HIGH',
                issue: 'sum builds code from its arguments and runs it with eval',
                file: 'src/sum.js',
                line: 2,
                recommendation: 'add the numbers directly',
              },
            ],
          },
        },
      },
    ],
  },
  { role: 'sec', task: 'sum', actions: [pass('security_report.json')] },
  {
    role: 'docs',
    task: 'sum',
    actions: [{ write: { path: 'README.md', content: README_SUM } }, pass('docs_report.json')],
  },
];

export const PRODUCT_STEPS: Step[] = [
  {
    role: 'dev',
    task: 'product',
    actions: [
      { write: { path: 'src/product.js', content: PRODUCT } },
      { write: { path: 'test/product.test.js', content: PRODUCT_TEST } },
    ],
  },
  { role: 'qa', task: 'product', actions: [{ run: 'npm test' }, pass('bugs.json')] },
  { role: 'sec', task: 'product', actions: [pass('security_report.json')] },
  {
    role: 'docs',
    task: 'product',
    actions: [{ write: { path: 'README.md', content: README_PRODUCT } }, pass('docs_report.json')],
  },
];

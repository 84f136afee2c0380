/**
 * `wh mcp`: the board as an MCP server, for other agents and IDEs. Every tool is a call to the REST API
 * through the CLI's typed client, so the API's permissions, validation and events apply unchanged. Tools
 * that change something are offered only to a token allowed to operate.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ApiClient } from '../cli/api-client.ts';
import { ApiFailure } from '../cli/api-failure.ts';
import { diffSummary, unifiedDiff } from '../cli/diff-text.ts';
import { findingPageSchema } from '../contracts/findings.ts';
import { projectListSchema } from '../contracts/projects.ts';
import { taskDiffSchema } from '../contracts/reviews.ts';
import {
  createdRunSchema,
  runPageSchema,
  runViewSchema,
  triggeredPipelineSchema,
} from '../contracts/runs.ts';
import { taskNoteSchema } from '../contracts/task-notes.ts';
import { createdTaskSchema, taskPageSchema, taskViewSchema } from '../contracts/tasks.ts';
import { VERSION } from '../server/version.ts';

const id = z.number().int().positive().max(2_147_483_647);

function answer(data: unknown): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(data, null, 2) }] };
}

/** An API refusal is the tool's answer (isError), so the calling agent reads why and can correct itself. */
async function call(work: () => Promise<unknown>): Promise<CallToolResult> {
  try {
    return answer(await work());
  } catch (error) {
    if (!(error instanceof ApiFailure)) throw error;
    return { isError: true, content: [{ type: 'text', text: `${error.message} (${error.code})` }] };
  }
}

const READ_ONLY = { readOnlyHint: true, openWorldHint: false } as const;

function registerReadTools(server: McpServer, client: ApiClient): void {
  server.registerTool(
    'list_projects',
    { description: 'Every project: repository, default branch, test command.', annotations: READ_ONLY },
    () => call(() => client.get('/api/projects', projectListSchema)),
  );
  server.registerTool(
    'list_runs',
    {
      description: 'Runs, newest first, with phase, progress per stage and usage.',
      inputSchema: { project_id: id.optional(), limit: z.number().int().min(1).max(200).optional() },
      annotations: READ_ONLY,
    },
    ({ project_id, limit }) => call(() => client.get('/api/runs', runPageSchema, { project_id, limit })),
  );
  server.registerTool(
    'get_run',
    {
      description: 'One run: goal, phase, progress, usage.',
      inputSchema: { run_id: id },
      annotations: READ_ONLY,
    },
    ({ run_id }) => call(() => client.get(`/api/runs/${run_id}`, runViewSchema)),
  );
  server.registerTool(
    'list_tasks',
    {
      description: "A run's tasks with their stage, dependencies and open job.",
      inputSchema: { run_id: id, stage: z.string().max(100).optional() },
      annotations: READ_ONLY,
    },
    ({ run_id, stage }) =>
      call(() => client.get('/api/tasks', taskPageSchema, { run_id, stage, limit: 500 })),
  );
  server.registerTool(
    'get_task',
    {
      description:
        'One task with its description, acceptance criteria, notes, the findings raised on it and its change (a unified diff against its run branch).',
      inputSchema: { task_id: id },
      annotations: READ_ONLY,
    },
    ({ task_id }) =>
      call(async () => {
        const [task, findings, diff] = await Promise.all([
          client.get(`/api/tasks/${task_id}`, taskViewSchema),
          client.get('/api/findings', findingPageSchema, { task_id, limit: 200 }),
          client.get(`/api/tasks/${task_id}/diff`, taskDiffSchema),
        ]);
        return {
          ...task,
          findings: findings.items,
          change: { summary: diffSummary(diff), diff: unifiedDiff(diff) },
        };
      }),
  );
}

function registerWriteTools(server: McpServer, client: ApiClient): void {
  server.registerTool(
    'start_run',
    {
      description: 'Start a run on a project: the PM agent plans the goal into tasks.',
      inputSchema: { project_id: id, goal: z.string().min(1).max(20_000) },
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    },
    ({ project_id, goal }) => call(() => client.post('/api/runs', createdRunSchema, { project_id, goal })),
  );
  server.registerTool(
    'create_task',
    {
      description: 'Add a task to a run; it enters the pipeline at dev once its dependencies are complete.',
      inputSchema: {
        run_id: id,
        title: z.string().min(1).max(300),
        description: z.string().max(20_000).optional(),
        acceptance: z.array(z.string().max(2000)).max(100).optional(),
        priority: z.number().int().min(1).max(10).optional(),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    },
    (input) => call(() => client.post('/api/tasks', createdTaskSchema, input)),
  );
  server.registerTool(
    'add_note',
    {
      description: "Leave a note for a task's next agent: an instruction that goes into its prompt once.",
      inputSchema: { task_id: id, text: z.string().min(1).max(20_000) },
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    },
    ({ task_id, text }) =>
      call(() => client.post(`/api/tasks/${task_id}/notes`, taskNoteSchema, { body: text })),
  );
  server.registerTool(
    'trigger_run',
    {
      description: "Release a run's held jobs and let it advance on its own.",
      inputSchema: { run_id: id, max_iterations: z.number().int().min(1).max(1000).optional() },
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    },
    ({ run_id, max_iterations }) =>
      call(() =>
        client.post(`/api/runs/${run_id}/trigger-pipeline`, triggeredPipelineSchema, { max_iterations }),
      ),
  );
}

export function createBoardServer(client: ApiClient, options: { write: boolean }): McpServer {
  const server = new McpServer(
    { name: 'workhorse', version: VERSION },
    {
      instructions: options.write
        ? 'Workhorse runs AI coding agents through DEV -> QA -> SEC -> DOCS. Read the board; start runs, add tasks, trigger runs.'
        : 'Workhorse runs AI coding agents through DEV -> QA -> SEC -> DOCS. Read-only: start wh mcp with an operator token to change anything.',
    },
  );
  registerReadTools(server, client);
  if (options.write) registerWriteTools(server, client);
  return server;
}

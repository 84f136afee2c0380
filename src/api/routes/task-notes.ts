/** Course-correct notes: a word to the next agent that works on a task. */
import { z } from 'zod';
import { taskNoteListSchema, taskNoteSchema } from '../../contracts/task-notes.ts';
import { MAX_NOTE_LENGTH } from '../../domain/task-notes.ts';
import { addTaskNote, listTaskNotes } from '../../services/task-notes.ts';
import { type Api, type ApiDeps, contextFor } from '../deps.ts';
import { idParams, nonEmpty } from '../schemas.ts';
import { toApi } from '../serialize.ts';

export function registerTaskNoteRoutes(app: Api, deps: ApiDeps): void {
  const db = deps.database.db;

  app.get(
    '/api/tasks/:id/notes',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['tasks'],
        summary: "A task's course-correct notes, oldest first, with the job that carried each",
        params: idParams,
        response: { 200: taskNoteListSchema },
      },
    },
    async (request) => ({ items: toApi(await listTaskNotes(db, request.params.id)) }),
  );

  app.post(
    '/api/tasks/:id/notes',
    {
      config: { permission: 'operate' },
      schema: {
        tags: ['tasks'],
        summary:
          "Leave a note for the task's next agent: it goes into the prompt of the next job that runs (every attempt of that job), not later ones",
        params: idParams,
        body: z.object({ body: nonEmpty(MAX_NOTE_LENGTH) }),
        response: { 201: taskNoteSchema },
      },
    },
    async (request, reply) => {
      const note = await addTaskNote(contextFor(deps, request), request.params.id, request.body.body);
      reply.code(201);
      return toApi(note);
    },
  );
}

/**
 * A course-correct note: an instruction for the next agent that works on a task, left by a person or by the
 * Director. It is not a defect (that is a finding): it says how to go on, not what is wrong.
 *
 * Delivery: a note goes into the prompt of the first job of its task that starts an agent after it was
 * left, and into every later attempt of that same job (a retry is the same work); that job is recorded as
 * the note's delivery, and jobs after it no longer carry the note, so an instruction is not repeated
 * forever.
 */
export const NOTE_SOURCES = Object.freeze(['person', 'director'] as const);
export type NoteSource = (typeof NOTE_SOURCES)[number];

/** The longest note body: a few paragraphs of guidance, not a document. */
export const MAX_NOTE_LENGTH = 4000;

/** How a note reads in a prompt: who left it, then what it says. */
export function promptLineOfNote(note: { source: NoteSource; author: string; body: string }): string {
  const who = note.source === 'director' ? 'the Director' : note.author;
  return `(from ${who}) ${note.body}`;
}

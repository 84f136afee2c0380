/**
 * Maps abstract intents to the tools a CLI offers in its request, by name and argument shape:
 * Claude `Write`/`Bash`, opencode `write`/`bash`, Gemini `write_file`/`run_shell_command`, codex
 * `apply_patch` (freeform or function) and `exec_command`/`shell`.
 */
import path from 'node:path';
import type { JsonSchema, ToolCall, ToolSpec } from './types.ts';

const WRITE_NAMES = ['write', 'write_file', 'writefile', 'create_file'];
const SHELL_NAMES = ['bash', 'run_shell_command', 'exec_command', 'shell_command', 'shell'];
const PATH_PROPS = ['file_path', 'filePath', 'path', 'absolute_path'];
const CONTENT_PROPS = ['content', 'contents', 'file_text', 'text'];
const COMMAND_PROPS = ['command', 'cmd'];

/** Finds the working directory a CLI states in its prompt (Claude, opencode, codex, Gemini phrasings). */
export function detectCwd(text: string): string | null {
  const patterns = [
    /Primary working directory: (\S+)/,
    /Working directory: (\S+)/,
    /<cwd>([^<]+)<\/cwd>/,
    /Workspace Directories:\**\s*\n\s*-\s*(\S+)/,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match?.[1]) return match[1];
  }
  return null;
}

function findTool(tools: ToolSpec[], names: string[], accepts: (tool: ToolSpec) => boolean): ToolSpec | null {
  for (const name of names) {
    const tool = tools.find((t) => t.name.toLowerCase() === name && accepts(t));
    if (tool) return tool;
  }
  return null;
}

function prop(tool: ToolSpec, candidates: string[]): string | null {
  return candidates.find((name) => name in tool.properties) ?? null;
}

function isArrayType(schema: JsonSchema | undefined): boolean {
  const type = schema?.type;
  return type === 'array' || (Array.isArray(type) && type.includes('array'));
}

export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/** An apply_patch body that adds `file` (relative) with `content`; apply_patch ends every line with \n. */
export function addFilePatch(file: string, content: string): string {
  const lines = content.endsWith('\n') ? content.slice(0, -1).split('\n') : content.split('\n');
  return [
    '*** Begin Patch',
    `*** Add File: ${file}`,
    ...lines.map((line) => `+${line}`),
    '*** End Patch',
  ].join('\n');
}

function shellCall(tools: ToolSpec[], id: string, command: string): ToolCall {
  const tool = findTool(tools, SHELL_NAMES, (t) => prop(t, COMMAND_PROPS) !== null);
  if (!tool) throw new Error(`no shell tool among: ${tools.map((t) => t.name).join(', ')}`);
  const key = prop(tool, COMMAND_PROPS) ?? 'command';
  const input: Record<string, unknown> = {
    [key]: isArrayType(tool.properties[key]) ? ['bash', '-lc', command] : command,
  };
  if ('description' in tool.properties) input.description = 'Run a scripted command';
  return { id, name: tool.name, kind: 'function', input };
}

function writeCall(
  tools: ToolSpec[],
  id: string,
  file: string,
  content: string,
  cwd: string | null,
): ToolCall {
  const absolute = cwd && !path.isAbsolute(file) ? path.resolve(cwd, file) : file;
  const writer = findTool(
    tools,
    WRITE_NAMES,
    (t) => prop(t, PATH_PROPS) !== null && prop(t, CONTENT_PROPS) !== null,
  );
  if (writer) {
    const input = {
      [prop(writer, PATH_PROPS) ?? 'path']: absolute,
      [prop(writer, CONTENT_PROPS) ?? 'content']: content,
    };
    return { id, name: writer.name, kind: 'function', input };
  }
  const patcher = tools.find((t) => t.name === 'apply_patch');
  if (patcher) {
    const relative = cwd && path.isAbsolute(file) ? path.relative(cwd, file) : file;
    const patch = addFilePatch(relative, content);
    if (patcher.kind === 'custom') return { id, name: patcher.name, kind: 'custom', input: patch };
    const key = patcher.required[0] ?? Object.keys(patcher.properties)[0] ?? 'input';
    return { id, name: patcher.name, kind: 'function', input: { [key]: patch } };
  }
  return shellCall(tools, id, `printf '%s' ${shellQuote(content)} > ${shellQuote(absolute)}`);
}

/** The tool call for a tool intent; throws when the CLI offers no tool that can carry it out. */
export function mapToolIntent(
  intent: { write: { path: string; content: string } } | { bash: { command: string } },
  tools: ToolSpec[],
  id: string,
  cwd: string | null,
): ToolCall {
  if ('write' in intent) return writeCall(tools, id, intent.write.path, intent.write.content, cwd);
  return shellCall(tools, id, intent.bash.command);
}

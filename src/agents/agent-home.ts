/**
 * An agent's private HOME: a fresh folder per job, so nothing it writes there (a ~/.gitconfig, shell
 * start-up files, CLI settings with hooks) reaches the user, Workhorse, or a later job. What the chosen CLI
 * needs from the user's real home comes in two kinds: its credential files, shown read-only where they are
 * (a bind in the sandbox, a symbolic link without one), and its settings files, copied so that the CLI may
 * rewrite them. The user's toolchains under HOME (pyenv, rustup, nvm, ...) are shown read-only too, or
 * commands on PATH would stop working.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, dirname, isAbsolute, join, relative, sep } from 'node:path';

/** Toolchain folders under HOME that commands on PATH rely on without being on PATH themselves. */
const KNOWN_TOOLCHAINS = Object.freeze([
  '.cargo',
  '.rustup',
  '.pyenv',
  '.nvm',
  '.volta',
  '.fnm',
  '.bun',
  '.deno',
  '.asdf',
  '.sdkman',
  '.local/bin',
  'go',
]);

/** Under these, a PATH entry stands for itself only: the rest of them holds credentials and settings. */
const SHARED_PARENTS = new Set(['.local', '.config', '.cache']);

export interface HomeNeeds {
  /** Files relative to HOME shown read-only: the CLI's login. */
  credentials: readonly string[];
  /** Files relative to HOME copied in: the CLI's settings, which it may rewrite. */
  settings: readonly string[];
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function inside(home: string, path: string): string | null {
  const rel = relative(home, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : null;
}

/**
 * The user's toolchain folders under `home`, as absolute paths: each PATH entry under it (by its first
 * folder, so ~/.pyenv/shims brings ~/.pyenv), and the known toolchain folders that exist.
 */
export function toolchainDirs(home: string, pathVariable: string): string[] {
  const found = new Set<string>();
  for (const entry of pathVariable.split(delimiter)) {
    const rel = entry ? inside(home, entry) : null;
    if (!rel) continue;
    const [first] = rel.split(sep);
    found.add(join(home, first && !SHARED_PARENTS.has(first) ? first : rel));
  }
  for (const rel of KNOWN_TOOLCHAINS) found.add(join(home, rel));
  return [...found].filter(isDirectory).sort();
}

/** Which of `needs`' credential files exist in the user's home, as absolute paths. */
export function credentialFiles(userHome: string, needs: HomeNeeds): string[] {
  return needs.credentials.map((rel) => join(userHome, rel)).filter(isFile);
}

export interface PreparedHome {
  /** The private folder. */
  path: string;
  /** Whether the CLI has a credential file at `rel` (relative to HOME) in this home. */
  hasFile(rel: string): boolean;
  /** A settings file the CLI will read (copied or written), or null. */
  readFile(rel: string): string | null;
  remove(): void;
}

export interface HomeInput {
  /** The private folder to make; anything already there is removed first. */
  path: string;
  /** The real HOME of the user Workhorse runs as, or null when it has none. */
  userHome: string | null;
  needs: HomeNeeds;
  /** Files the CLI's adapter writes (path relative to HOME → content); they win over copied settings. */
  files: Readonly<Record<string, string>>;
  /**
   * Without a sandbox nothing can be bound into the home, so credentials and toolchains are linked in
   * (the agent then sees them at their usual place under its HOME).
   */
  linkFromUserHome: boolean;
  pathVariable: string;
}

function place(root: string, rel: string): string {
  const target = join(root, rel);
  mkdirSync(dirname(target), { recursive: true });
  return target;
}

export function prepareAgentHome(input: HomeInput): PreparedHome {
  rmSync(input.path, { recursive: true, force: true });
  mkdirSync(input.path, { recursive: true, mode: 0o700 });
  const { userHome } = input;
  const credentials = userHome ? credentialFiles(userHome, input.needs) : [];
  if (userHome) {
    for (const rel of input.needs.settings) {
      const source = join(userHome, rel);
      if (isFile(source) && !(rel in input.files)) copyFileSync(source, place(input.path, rel));
    }
    if (input.linkFromUserHome) {
      const linked = [...credentials, ...toolchainDirs(userHome, input.pathVariable)];
      for (const source of linked) symlinkSync(source, place(input.path, relative(userHome, source)));
    }
  }
  for (const [rel, content] of Object.entries(input.files)) {
    writeFileSync(place(input.path, rel), content, { mode: 0o600 });
  }
  const credentialRels = new Set(userHome ? credentials.map((file) => relative(userHome, file)) : []);
  return {
    path: input.path,
    hasFile: (rel) => credentialRels.has(rel) || existsSync(join(input.path, rel)),
    readFile: (rel) => {
      const file = join(input.path, rel);
      return isFile(file) ? readFileSync(file, 'utf8') : null;
    },
    remove: () => rmSync(input.path, { recursive: true, force: true }),
  };
}

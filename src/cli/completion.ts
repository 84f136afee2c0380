/**
 * `wh completion bash|zsh`: a script that asks `wh __complete <words>` for the candidates, so completion
 * always matches this version's commands and options (the command tree is the only source).
 */
import type { Command } from 'commander';

const BASH = `# wh completion for bash: eval "$(wh completion bash)" (add it to ~/.bashrc)
_wh_complete() {
  local IFS=$'\\n'
  COMPREPLY=($(compgen -W "$(wh __complete "\${COMP_WORDS[@]:1:COMP_CWORD-1}" 2>/dev/null)" -- "\${COMP_WORDS[COMP_CWORD]}"))
}
complete -o default -F _wh_complete wh
`;

const ZSH = `# wh completion for zsh: eval "$(wh completion zsh)" (add it to ~/.zshrc)
autoload -U +X bashcompinit && bashcompinit
${BASH}`;

export function completionScript(shell: string): string | null {
  if (shell === 'bash') return BASH;
  if (shell === 'zsh') return ZSH;
  return null;
}

/** The subcommands and options that may follow `words` (the words typed so far, after `wh`). */
export function completionsFor(program: Command, words: readonly string[]): string[] {
  let command = program;
  for (const word of words) {
    const next = command.commands.find((sub) => sub.name() === word || sub.aliases().includes(word));
    if (next) command = next;
  }
  const subcommands = command.commands.map((sub) => sub.name()).filter((name) => !name.startsWith('_'));
  const options = command.options
    .flatMap((option) => [option.long, option.short])
    .filter(Boolean) as string[];
  return [...subcommands, ...options];
}

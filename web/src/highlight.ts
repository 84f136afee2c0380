/**
 * Syntax highlighting for the review's diff: refractor (Prism's grammars as a virtual tree, which
 * react-diff-view renders) with the languages a project's change is most often in, loaded with the review
 * alone. A language registers the ones it builds on (tsx: jsx and typescript; they: javascript).
 */
import bash from 'refractor/bash';
import { refractor } from 'refractor/core';
import css from 'refractor/css';
import go from 'refractor/go';
import java from 'refractor/java';
import json from 'refractor/json';
import markdown from 'refractor/markdown';
import python from 'refractor/python';
import rust from 'refractor/rust';
import sql from 'refractor/sql';
import tsx from 'refractor/tsx';
import yaml from 'refractor/yaml';

for (const syntax of [bash, css, go, java, json, markdown, python, rust, sql, tsx, yaml])
  refractor.register(syntax);

/**
 * react-diff-view takes refractor 2's answer (the nodes); refractor 3 and later answer with their root.
 * Typed as react-diff-view declares it, which names the later refractor's function.
 */
export const highlighter = {
  highlight: ((text: string, language: string) =>
    refractor.highlight(text, language).children) as unknown as typeof refractor.highlight,
};

export function canHighlight(language: string): boolean {
  return refractor.registered(language);
}

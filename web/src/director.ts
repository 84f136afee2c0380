/** The Director's rule settings as the page edits them, and its interventions as the page tells them. */
import type { DirectorRuleName, DirectorRuleSettings, DirectorState, Intervention } from './api.ts';

type RuleSetting = NonNullable<DirectorRuleSettings[DirectorRuleName]>;
type Threshold = number | string;

/**
 * Off only when the settings say so (a project's own, else the installation's it inherits): a rule without
 * settings is on.
 */
export function ruleEnabled(
  settings: DirectorRuleSettings,
  rule: DirectorRuleName,
  inherited?: DirectorRuleSettings,
): boolean {
  const own = settings[rule]?.enabled;
  return typeof own === 'boolean' ? own : inherited?.[rule]?.enabled !== false;
}

/**
 * A rule's settings with its switch turned: off is written as `enabled: false`; on leaves the key out, so
 * a project's own switch is the only one left to say otherwise. A project's own switch (`explicit`) is
 * written either way: on must win over an installation that turned the rule off.
 */
export function withEnabled(
  setting: RuleSetting | undefined,
  enabled: boolean,
  explicit = false,
): RuleSetting {
  const { enabled: _previous, ...thresholds } = setting ?? {};
  return enabled && !explicit ? thresholds : { ...thresholds, enabled };
}

export interface ThresholdField {
  name: string;
  fallback: Threshold;
  /** The installation's own value as text; blank when the default applies. */
  text: string;
}

/** The fields of a rule's thresholds: one per default, holding the installation's value when it set one. */
export function thresholdFields(
  rule: DirectorState['rules'][number],
  setting: RuleSetting | undefined,
): ThresholdField[] {
  return Object.entries(rule.defaults).map(([name, fallback]) => {
    const set = setting?.[name];
    return { name, fallback, text: set === undefined || typeof set === 'boolean' ? '' : String(set) };
  });
}

/**
 * The rule's settings from its fields, keeping its switch: a blank field leaves the default; a field whose
 * default is a number must hold one.
 */
export function settingFromFields(
  fields: readonly ThresholdField[],
  enabled: boolean,
  explicit = false,
): { setting: RuleSetting } | { error: string } {
  const setting: RuleSetting = enabled && !explicit ? {} : { enabled };
  for (const field of fields) {
    const text = field.text.trim();
    if (!text) continue;
    if (typeof field.fallback === 'number') {
      const value = Number(text);
      if (!Number.isFinite(value)) return { error: `${field.name} must be a number.` };
      setting[field.name] = value;
    } else setting[field.name] = text;
  }
  return { setting };
}

/** What the action produced (`evidence.outcome`), in a line: `job_id 12 · task_stage dev`. */
export function outcomeText(intervention: Pick<Intervention, 'evidence'>): string {
  const outcome = intervention.evidence.outcome;
  if (!outcome || typeof outcome !== 'object') return '';
  return Object.entries(outcome as Record<string, unknown>)
    .filter(([, value]) => value !== null && value !== undefined && typeof value !== 'object')
    .map(([key, value]) => `${key.replaceAll('_', ' ')} ${String(value)}`)
    .join(' · ');
}

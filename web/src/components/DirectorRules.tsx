import { useState } from 'react';
import type { DirectorRuleName, DirectorRuleSettings, DirectorState } from '../api.ts';
import {
  ruleEnabled,
  settingFromFields,
  type ThresholdField,
  thresholdFields,
  withEnabled,
} from '../director.ts';
import { ErrorNote } from './Notice.tsx';

type Rule = DirectorState['rules'][number];

/** The catalogue writes names in backticks, as Markdown does: shown as code. */
function Described({ text }: { text: string }) {
  return (
    <>
      {text.split('`').map((part, index) =>
        // Odd parts were between backticks; the split's order never changes.
        // biome-ignore lint/suspicious/noArrayIndexKey: a fixed sequence of parts
        index % 2 === 1 ? <code key={index}>{part}</code> : part,
      )}
    </>
  );
}
type Setting = NonNullable<DirectorRuleSettings[DirectorRuleName]>;

interface Props {
  rules: DirectorState['rules'];
  /** The settings edited here: the installation's, or one project's own. */
  settings: DirectorRuleSettings;
  /** A project's page: the installation's settings, which apply where the project sets nothing. */
  inherited?: DirectorRuleSettings;
  /** Whose settings these are, as the switch says: "the installation", "this project". */
  where: string;
  /** Without it the settings are shown, not editable. */
  canEdit: boolean;
  busy: boolean;
  onSave: (rule: DirectorRuleName, setting: Setting) => void;
}

/** The rules: what each watches and does, its switch (for the installation or a project) and its thresholds. */
export function DirectorRules({ rules, settings, inherited, where, canEdit, busy, onSave }: Props) {
  return (
    <ul className="item-list director-rules">
      {rules.map((rule) => {
        const setting = settings[rule.name];
        const enabled = ruleEnabled(settings, rule.name, inherited);
        return (
          <li key={rule.name} className="item" data-rule={rule.name}>
            <div className="item-head">
              <h3>
                <code>{rule.name}</code>
              </h3>
              {canEdit ? (
                <label className="check">
                  <input
                    type="checkbox"
                    checked={enabled}
                    disabled={busy}
                    onChange={(event) =>
                      onSave(rule.name, withEnabled(setting, event.target.checked, inherited !== undefined))
                    }
                  />
                  <span>On for {where}</span>
                </label>
              ) : (
                <span className="small">
                  {enabled ? 'on' : 'off'} for {where}
                </span>
              )}
            </div>
            <dl className="rule-facts small">
              <dt>Watches</dt>
              <dd>
                <Described text={rule.watches} />
              </dd>
              <dt>Does</dt>
              <dd>
                <Described text={rule.action} />
              </dd>
            </dl>
            {Object.keys(rule.defaults).length > 0 ? (
              // Keyed by the saved settings: a save (here or by another admin) starts the fields afresh.
              <Thresholds
                key={JSON.stringify(setting ?? {})}
                rule={rule}
                fields={thresholdFields(rule, setting)}
                enabled={enabled}
                explicit={inherited !== undefined}
                canEdit={canEdit}
                busy={busy}
                onSave={onSave}
              />
            ) : (
              <p className="small muted">No thresholds.</p>
            )}
          </li>
        );
      })}
    </ul>
  );
}

function Thresholds(props: {
  rule: Rule;
  fields: ThresholdField[];
  enabled: boolean;
  explicit: boolean;
  canEdit: boolean;
  busy: boolean;
  onSave: Props['onSave'];
}) {
  const { rule, enabled, explicit, canEdit, busy, onSave } = props;
  const [fields, setFields] = useState(props.fields);
  const [error, setError] = useState<string | null>(null);
  if (!canEdit)
    return (
      <p className="small">
        {fields.map((field) => (
          <span key={field.name} className="threshold">
            <code>{field.name}</code>: {field.text || `${field.fallback} (default)`}{' '}
          </span>
        ))}
      </p>
    );
  const save = () => {
    const read = settingFromFields(fields, enabled, explicit);
    if ('error' in read) setError(read.error);
    else {
      setError(null);
      onSave(rule.name, read.setting);
    }
  };
  return (
    <form
      className="inline-form thresholds"
      aria-label={`${rule.name} thresholds`}
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      {fields.map((field, index) => (
        <label key={field.name} className="field field-inline">
          <span>
            <code>{field.name}</code>
          </span>
          <input
            value={field.text}
            placeholder={String(field.fallback)}
            inputMode={typeof field.fallback === 'number' ? 'decimal' : 'text'}
            className={typeof field.fallback === 'number' ? 'input-narrow' : undefined}
            title={`default: ${field.fallback}; leave blank for the default`}
            onChange={(event) =>
              setFields((current) =>
                current.map((old, at) => (at === index ? { ...old, text: event.target.value } : old)),
              )
            }
          />
        </label>
      ))}
      <button type="submit" className="button-small" disabled={busy}>
        Save
      </button>
      <span className="small muted">blank: the default</span>
      <ErrorNote error={error} />
    </form>
  );
}

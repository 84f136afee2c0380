import type { Approval } from '../api.ts';
import { type BudgetDetails, isBudgetDetails, type LimitFields } from '../budget.ts';
import { duration, plural } from '../format.ts';

function limitsText(budget: BudgetDetails['budget']): string {
  const parts = [
    budget.tokens !== undefined ? plural(budget.tokens, 'token') : null,
    budget.cost_usd !== undefined ? `$${budget.cost_usd.toFixed(2)}` : null,
    budget.wall_seconds !== undefined ? `${duration(budget.wall_seconds)} of wall time` : null,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' / ') : '—';
}

/** What a budget approval is about: the limits the run reached and what it used. */
export function BudgetApprovalDetails({ approval }: { approval: Approval }) {
  const { details } = approval;
  if (!isBudgetDetails(details)) return null;
  return (
    <dl className="deploy-details small budget-details">
      <dt>Limit</dt>
      <dd>{limitsText(details.budget)}</dd>
      <dt>Used</dt>
      <dd>
        {plural(details.used.tokens, 'token')}
        {details.used.cost_usd !== null ? `, $${details.used.cost_usd.toFixed(2)}` : ''}
        {details.used.wall_seconds !== undefined
          ? `, ${duration(details.used.wall_seconds)} of wall time`
          : ''}
      </dd>
    </dl>
  );
}

const LIMIT_FIELDS: { key: keyof LimitFields; label: string; numeric: 'numeric' | 'decimal' }[] = [
  { key: 'tokens', label: 'Tokens', numeric: 'numeric' },
  { key: 'cost', label: 'Cost ($)', numeric: 'decimal' },
  { key: 'wallMinutes', label: 'Wall time (minutes)', numeric: 'decimal' },
];

/** The raised limits a budget approval is approved with; a blank field leaves that limit as it is. */
export function RaisedLimitsFields(props: {
  id: number;
  fields: LimitFields;
  onChange: (next: LimitFields) => void;
}) {
  const { id, fields, onChange } = props;
  return (
    <fieldset className="raised-limits">
      <legend>
        Raised budget{' '}
        <span className="muted">
          (approving raises the limits given, keeps the others, and resumes the run)
        </span>
      </legend>
      <div className="filters">
        {LIMIT_FIELDS.map(({ key, label, numeric }) => (
          <label key={key} className="field field-inline">
            <span>
              {label}
              <span className="visually-hidden"> for approval #{id}</span>
            </span>
            <input
              inputMode={numeric}
              className={numeric === 'decimal' ? 'input-narrow' : undefined}
              value={fields[key]}
              onChange={(event) => onChange({ ...fields, [key]: event.target.value })}
            />
          </label>
        ))}
      </div>
    </fieldset>
  );
}

import type { Approval } from '../api.ts';
import { type BudgetDetails, isBudgetDetails } from '../budget.ts';
import { plural } from '../format.ts';

export interface LimitFields {
  tokens: string;
  cost: string;
}

function limitsText(budget: BudgetDetails['budget']): string {
  const parts = [
    budget.tokens !== undefined ? plural(budget.tokens, 'token') : null,
    budget.cost_usd !== undefined ? `$${budget.cost_usd.toFixed(2)}` : null,
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
      </dd>
    </dl>
  );
}

/** The raised limits a budget approval is approved with; a blank field leaves that limit off. */
export function RaisedLimitsFields(props: {
  id: number;
  fields: LimitFields;
  onChange: (next: LimitFields) => void;
}) {
  const { id, fields, onChange } = props;
  return (
    <fieldset className="raised-limits">
      <legend>
        Raised budget <span className="muted">(approving sets it and resumes the run)</span>
      </legend>
      <div className="filters">
        <label className="field field-inline">
          <span>
            Tokens<span className="visually-hidden"> for approval #{id}</span>
          </span>
          <input
            inputMode="numeric"
            value={fields.tokens}
            onChange={(event) => onChange({ ...fields, tokens: event.target.value })}
          />
        </label>
        <label className="field field-inline">
          <span>
            Cost ($)<span className="visually-hidden"> for approval #{id}</span>
          </span>
          <input
            inputMode="decimal"
            className="input-narrow"
            value={fields.cost}
            onChange={(event) => onChange({ ...fields, cost: event.target.value })}
          />
        </label>
      </div>
    </fieldset>
  );
}

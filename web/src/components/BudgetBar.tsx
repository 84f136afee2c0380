import type { RunUsage } from '../api.ts';
import { type AppliedBudget, type BudgetMeter, budgetMeters } from '../budget.ts';

function amount(meter: BudgetMeter, value: number): string {
  return meter.what === 'tokens' ? value.toLocaleString() : `$${value.toFixed(2)}`;
}

/** Used against limit, per limit; from the budget rule's warning point on, in the warning colour. */
export function BudgetBar({ usage, budget }: { usage: RunUsage; budget: AppliedBudget }) {
  return (
    <section className="budget" aria-label="Budget">
      {budgetMeters(usage, budget.limits).map((meter) => {
        const shown = Math.round(meter.percent);
        const text = `${amount(meter, meter.used)} of ${amount(meter, meter.limit)} ${meter.what === 'tokens' ? 'tokens' : 'spent'} (${shown}%)`;
        return (
          <div
            key={meter.what}
            className={meter.warn ? 'progress budget-meter budget-warn' : 'progress budget-meter'}
            data-budget={meter.what}
          >
            <span className="budget-label">{meter.what === 'tokens' ? 'Tokens' : 'Cost'}</span>
            <div
              className="progress-track"
              role="progressbar"
              aria-label={`${meter.what === 'tokens' ? 'Tokens' : 'Cost'} budget`}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.min(100, shown)}
              aria-valuetext={text}
            >
              <span
                className="progress-seg budget-used"
                style={{ width: `${Math.min(100, meter.percent)}%` }}
              />
            </div>
            <span className="progress-text">{text}</span>
          </div>
        );
      })}
      <p className="budget-source small muted">
        {budget.source === 'run' ? "The run's own budget" : "The project's budget"}: the Director warns from
        its warning point and pauses the run at 100% until a person raises it.
      </p>
    </section>
  );
}

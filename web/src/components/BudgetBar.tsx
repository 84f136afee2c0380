import type { RunUsage } from '../api.ts';
import { type AppliedBudget, type BudgetMeter, budgetMeters } from '../budget.ts';
import { duration } from '../format.ts';

const SHOWN: Record<BudgetMeter['what'], { label: string; amount: (value: number) => string; unit: string }> =
  {
    tokens: { label: 'Tokens', amount: (value) => value.toLocaleString(), unit: 'tokens' },
    cost: { label: 'Cost', amount: (value) => `$${value.toFixed(2)}`, unit: 'spent' },
    wall: { label: 'Wall time', amount: duration, unit: 'of wall time' },
  };

/** Used against limit, per limit; from the budget rule's warning point on, in the warning colour. */
export function BudgetBar({ usage, budget }: { usage: RunUsage; budget: AppliedBudget }) {
  return (
    <section className="budget" aria-label="Budget">
      {budgetMeters(usage, budget.limits).map((meter) => {
        const shown = Math.round(meter.percent);
        const { label, amount, unit } = SHOWN[meter.what];
        const text = `${amount(meter.used)} of ${amount(meter.limit)} ${unit} (${shown}%)`;
        return (
          <div
            key={meter.what}
            className={meter.warn ? 'progress budget-meter budget-warn' : 'progress budget-meter'}
            data-budget={meter.what}
          >
            <span className="budget-label">{label}</span>
            <div
              className="progress-track"
              role="progressbar"
              aria-label={`${label} budget`}
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

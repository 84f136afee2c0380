import { label } from '../format.ts';

/** A small coloured label; the colour comes from the value (job state, phase, severity, stage). */
export function Badge({ value, title }: { value: string; title?: string }) {
  return (
    <span className={`badge badge-${value}`} title={title}>
      {label(value)}
    </span>
  );
}

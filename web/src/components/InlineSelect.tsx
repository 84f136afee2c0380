import type { ReactNode } from 'react';

/** `value` when it is one of `allowed`, else '' (for filters read from the URL). */
export function pick<T extends string>(value: string | null, allowed: readonly T[]): T | '' {
  return allowed.includes(value as T) ? (value as T) : '';
}

/** An inline `<select>` with a caption; `any` adds a leading empty "Any" option. */
export function InlineSelect<T extends string>(props: {
  caption: ReactNode;
  value: string;
  options: readonly T[];
  any?: boolean;
  text?: (value: T) => string;
  onChange: (value: string) => void;
}) {
  const { caption, value, options, any = false, text = (option) => option, onChange } = props;
  return (
    <label className="field field-inline">
      <span>{caption}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {any ? <option value="">Any</option> : null}
        {options.map((option) => (
          <option key={option} value={option}>
            {text(option)}
          </option>
        ))}
      </select>
    </label>
  );
}

import { useId } from 'react';

type Option<Value extends string> = { value: Value; label: string };

type SelectFieldProps<Value extends string> = {
  label: string;
  value: Value;
  options: ReadonlyArray<Option<Value>>;
  onChange: (value: Value) => void;
  name?: string;
  error?: string | undefined;
  hint?: string;
};

export function SelectField<Value extends string>({ label, value, options, onChange, name, error, hint }: SelectFieldProps<Value>) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={['field', error ? 'has-error' : ''].filter(Boolean).join(' ')}>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <select
        id={id}
        name={name}
        className="input select"
        value={value}
        onChange={(event) => onChange(event.target.value as Value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {hint && !error && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

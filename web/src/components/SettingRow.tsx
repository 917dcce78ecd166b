import type { ReactNode } from 'react';

export type SettingRowProps = {
  id: string;
  label: string;
  explanation: string;
  note?: string | undefined;
  error?: string | undefined;
  /** The control is a group (radios, checkboxes): the label names it through aria-labelledby. */
  group?: boolean;
  children: ReactNode;
};

/**
 * One setting of a settings form: its name and a one-line explanation beside the control, an optional
 * note under the control, and its error under that.
 */
export function SettingRow({ id, label, explanation, note, error, group = false, children }: SettingRowProps) {
  return (
    <div className={error ? 'setting-row has-error' : 'setting-row'}>
      <div className="setting-text">
        {group ? (
          <p className="field-label" id={`${id}-label`}>
            {label}
          </p>
        ) : (
          <label className="field-label" htmlFor={id}>
            {label}
          </label>
        )}
        <p className="field-hint" id={`${id}-hint`}>
          {explanation}
        </p>
      </div>
      <div className="setting-control">
        {children}
        {note && (
          <p className="setting-note" id={`${id}-note`}>
            {note}
          </p>
        )}
        {error && (
          <p className="field-error" id={`${id}-error`}>
            {error}
          </p>
        )}
      </div>
    </div>
  );
}

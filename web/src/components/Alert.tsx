import type { ReactNode } from 'react';

type AlertProps = { tone?: 'error' | 'info' | 'success'; title?: string; children: ReactNode };

/** A message at the top of a form or page. Errors are announced (role=alert) and can take focus. */
export function Alert({ tone = 'error', title, children }: AlertProps) {
  return (
    <div className={`alert alert-${tone}`} role={tone === 'error' ? 'alert' : 'status'} tabIndex={-1} data-form-alert={tone === 'error' ? '' : undefined}>
      {title && <p className="alert-title">{title}</p>}
      <div>{children}</div>
    </div>
  );
}

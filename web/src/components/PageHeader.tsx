import type { ReactNode } from 'react';
import { useDocumentTitle } from '../lib/useDocumentTitle.ts';

type PageHeaderProps = { title: string; description?: ReactNode; actions?: ReactNode; breadcrumb?: ReactNode };

/** The title block of every page; also sets the browser tab title. */
export function PageHeader({ title, description, actions, breadcrumb }: PageHeaderProps) {
  useDocumentTitle(title);
  return (
    <header className="page-header">
      <div>
        {breadcrumb && <nav aria-label="Breadcrumb" className="breadcrumb">{breadcrumb}</nav>}
        <h1 className="page-title">{title}</h1>
        {description && <p className="page-description">{description}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}

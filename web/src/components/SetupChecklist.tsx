import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { request } from '../api/client.ts';

type Step = { id: string; title: string; detail: string; done: boolean; link: string };
type Checklist = { steps: Step[]; complete: boolean };

const REFRESH_MS = 5000;

/**
 * First-run guidance: what is left of the setup (connect, age gate, first sync, map stores, loyalty),
 * read from the server so it never claims a step that is not done. Hidden once everything is.
 */
export function SetupChecklist() {
  const [checklist, setChecklist] = useState<Checklist | undefined>();

  useEffect(() => {
    let cancelled = false;
    const load = () =>
      request<Checklist>('GET', '/api/onboarding').then(
        (result) => {
          if (!cancelled) setChecklist(result);
        },
        () => undefined,
      );
    void load();
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') void load();
    }, REFRESH_MS);
    return () => {
      cancelled = true;
      window.clearInterval(timer);
    };
  }, []);

  if (!checklist || checklist.complete) return null;
  const remaining = checklist.steps.filter((step) => !step.done).length;
  return (
    <section className="card setup-checklist" aria-labelledby="setup-checklist-title">
      <h2 className="card-title" id="setup-checklist-title">
        Finish setting up Patron <span className="muted">· {remaining} {remaining === 1 ? 'step' : 'steps'} left</span>
      </h2>
      <ol className="setup-steps">
        {checklist.steps.map((step) => (
          <li key={step.id} className={step.done ? 'setup-step done' : 'setup-step'}>
            <span className="setup-step-mark" aria-hidden="true">
              {step.done ? '✓' : ''}
            </span>
            <span>
              {step.done ? (
                <span className="setup-step-title">{step.title}</span>
              ) : (
                <Link className="setup-step-title" to={step.link}>
                  {step.title}
                </Link>
              )}
              <span className="visually-hidden">{step.done ? ' (done)' : ' (to do)'}</span>
              {!step.done && <span className="setup-step-detail">{step.detail}</span>}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}

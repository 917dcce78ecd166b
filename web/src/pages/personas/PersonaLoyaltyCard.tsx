import { useId, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../../api/client.ts';
import { newRequestId, personasApi, type PersonaLoyalty } from '../../api/personas.ts';
import { Alert } from '../../components/Alert.tsx';
import { Button } from '../../components/Button.tsx';
import { TextField } from '../../components/TextField.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { hasErrors, type FieldErrors } from '../../lib/validation.ts';
import { useFocusFirstInvalid } from '../../lib/useFocusFirstInvalid.ts';
import { ENROLMENT_BLOCK_WORDS, formatPoints, formatSignedPoints } from './personaFormat.ts';

const KIND_WORDS: Record<string, string> = {
  earn: 'Earned',
  reversal: 'Reversed',
  return: 'Return',
  adjustment: 'Sale changed',
  transfer: 'Transfer',
  manual: 'Manual',
};

type Props = {
  personaId: string;
  loyalty: PersonaLoyalty;
  /** Admins may add or remove points by hand. */
  canAdjust: boolean;
  onAdjusted: () => void;
};

/** Enrolment, balance and every change to the balance, with the admin's "Adjust points" form. */
export function PersonaLoyaltyCard({ personaId, loyalty, canAdjust, onAdjusted }: Props) {
  const [notice, setNotice] = useState<string>();
  const blocked = loyalty.blockedBecause ? (ENROLMENT_BLOCK_WORDS[loyalty.blockedBecause] ?? loyalty.blockedBecause) : undefined;
  return (
    <section className="card" aria-labelledby="loyalty-heading">
      <div className="card-header">
        <h2 className="card-title" id="loyalty-heading">
          Loyalty
        </h2>
        <Link to="/settings/loyalty" className="persona-card-link">
          Program settings
        </Link>
      </div>
      <div className="loyalty-status">
        <div>
          <p className="loyalty-status-label">Enrolment</p>
          <p className="loyalty-status-value" data-testid="loyalty-enrolment">
            {loyalty.enrolled ? (
              <span className="badge badge-green">Enrolled</span>
            ) : (
              <span className="badge badge-amber">Not enrolled — {blocked}</span>
            )}
          </p>
        </div>
        <div>
          <p className="loyalty-status-label">Balance</p>
          <p className="loyalty-balance" data-testid="loyalty-balance">
            {formatPoints(loyalty.balance)} <span className="muted">points</span>
          </p>
        </div>
      </div>
      {!loyalty.enrolled && loyalty.blockedBecause === 'age_gate_not_confirmed' && (
        <p className="persona-note">
          Points are earned once the age gate is confirmed for this customer&apos;s source in{' '}
          <Link to="/settings/integrations">Settings &gt; Integrations</Link>. Points already earned are kept.
        </p>
      )}

      {notice && <Alert tone="success">{notice}</Alert>}
      {canAdjust && (
        <AdjustPointsForm
          personaId={personaId}
          onDone={(message) => {
            setNotice(message);
            onAdjusted();
          }}
          onEdit={() => setNotice(undefined)}
        />
      )}

      <h3 className="subsection-title loyalty-ledger-title">Points history</h3>
      {loyalty.ledger.length === 0 ? (
        <p className="muted">No points have been earned or changed yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="table persona-detail-table" aria-label="Points history">
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Kind</th>
                <th scope="col" className="th-end">
                  Points
                </th>
                <th scope="col">Reason</th>
                <th scope="col">By</th>
              </tr>
            </thead>
            <tbody>
              {loyalty.ledger.map((entry) => {
                const value = Number(entry.points);
                return (
                  <tr key={entry.id}>
                    <td>{formatDateTime(entry.createdAt)}</td>
                    <td>{KIND_WORDS[entry.kind] ?? entry.kind}</td>
                    <td className={value < 0 ? 'cell-number points-down' : 'cell-number points-up'}>{formatSignedPoints(entry.points)}</td>
                    <td>{entry.reason}</td>
                    <td>{entry.createdBy ?? <span className="muted">Automatic</span>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

type Field = 'points' | 'reason';

function check(points: string, reason: string): FieldErrors<Field> {
  const errors: FieldErrors<Field> = {};
  const trimmed = points.trim().replace(/^\u2212/, '-');
  if (!/^[+-]?\d+$/.test(trimmed)) errors.points = 'Enter a whole number of points: 50 to add, -50 to remove.';
  else if (Number(trimmed) === 0) errors.points = 'Enter a number of points other than zero.';
  else if (Math.abs(Number(trimmed)) > 1_000_000) errors.points = 'At most 1,000,000 points at a time.';
  const why = reason.trim();
  if (why.length < 3) errors.reason = 'Give a reason for the adjustment (at least 3 characters).';
  else if (why.length > 300) errors.reason = 'Reasons can be at most 300 characters.';
  return errors;
}

function AdjustPointsForm({ personaId, onDone, onEdit }: { personaId: string; onDone: (message: string) => void; onEdit: () => void }) {
  const formRef = useRef<HTMLFormElement>(null);
  const focusFirstInvalid = useFocusFirstInvalid(formRef);
  const headingId = useId();
  const [points, setPoints] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const [formError, setFormError] = useState<string>();
  const [saving, setSaving] = useState(false);
  // A retry of the same adjustment reuses its request id, so the server applies it once.
  const attempt = useRef<{ key: string; requestId: string } | undefined>(undefined);

  const edit = (field: Field, value: string) => {
    if (field === 'points') setPoints(value);
    else setReason(value);
    setFormError(undefined);
    onEdit();
    if (errors[field]) setErrors((current) => ({ ...current, [field]: undefined }));
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(undefined);
    const found = check(points, reason);
    setErrors(found);
    if (hasErrors(found)) {
      focusFirstInvalid();
      return;
    }
    const value = Number(points.trim().replace(/^\u2212/, '-'));
    const why = reason.trim();
    const key = `${value}|${why}`;
    if (attempt.current?.key !== key) attempt.current = { key, requestId: newRequestId() };
    setSaving(true);
    try {
      await personasApi.adjustPoints(personaId, { points: value, reason: why, requestId: attempt.current.requestId });
      attempt.current = undefined;
      setPoints('');
      setReason('');
      onDone(value > 0 ? `Added ${formatPoints(value)} points.` : `Removed ${formatPoints(-value)} points.`);
    } catch (caught) {
      if (caught instanceof ApiError && (caught.field === 'points' || caught.field === 'reason')) {
        setErrors({ [caught.field]: caught.message });
        // The server said no: a corrected retry is a new adjustment.
        attempt.current = undefined;
      } else {
        setFormError(caught instanceof ApiError ? caught.message : 'Something unexpected went wrong. Try again.');
      }
      focusFirstInvalid();
    } finally {
      setSaving(false);
    }
  };

  return (
    <form ref={formRef} className="adjust-points" onSubmit={submit} noValidate aria-labelledby={headingId}>
      <h3 className="subsection-title" id={headingId}>
        Adjust points
      </h3>
      {formError && <Alert>{formError}</Alert>}
      <div className="adjust-points-row">
        <TextField
          label="Points"
          className="adjust-points-amount"
          inputMode="numeric"
          autoComplete="off"
          value={points}
          onChange={(value) => edit('points', value)}
          error={errors.points}
          hint="Negative to remove, e.g. -50."
        />
        <TextField
          label="Reason"
          className="adjust-points-reason"
          autoComplete="off"
          maxLength={300}
          value={reason}
          onChange={(value) => edit('reason', value)}
          error={errors.reason}
          hint="Shown in the points history."
        />
        <Button type="submit" variant="secondary" busy={saving} className="adjust-points-submit">
          Adjust points
        </Button>
      </div>
    </form>
  );
}

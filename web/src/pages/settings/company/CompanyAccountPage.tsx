import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiError, isAbort, type Role, type User } from '../../../api/client.ts';
import { useSession } from '../../../app/auth.tsx';
import { Alert } from '../../../components/Alert.tsx';
import { Button } from '../../../components/Button.tsx';
import { ChevronRightIcon, StoreIcon } from '../../../components/Icons.tsx';
import { Loading } from '../../../components/Loading.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { SelectField } from '../../../components/SelectField.tsx';
import { TextField } from '../../../components/TextField.tsx';
import { routeApiError } from '../../../lib/apiErrors.ts';
import { formatDate } from '../../../lib/format.ts';
import {
  checkEmail,
  checkNewPassword,
  checkRequired,
  collectErrors,
  hasErrors,
  PASSWORD_MIN_LENGTH,
  type FieldErrors,
} from '../../../lib/validation.ts';
import { useFocusFirstInvalid } from '../../../lib/useFocusFirstInvalid.ts';

type UsersState = { status: 'loading' } | { status: 'loaded'; users: User[] } | { status: 'error'; message: string };

const ROLE_LABELS: Record<Role, string> = { admin: 'Admin', member: 'Member' };

/** Company Account: the company, its people (admins can add more) and the way to its Retail Store settings. */
export function CompanyAccountPage() {
  const { company, user } = useSession();
  const [users, setUsers] = useState<UsersState>({ status: 'loading' });
  const [justAdded, setJustAdded] = useState<string>();

  const loadUsers = useCallback(async (signal?: AbortSignal) => {
    try {
      const result = await api.listUsers(signal);
      setUsers({ status: 'loaded', users: result.users });
    } catch (error) {
      if (isAbort(error)) return;
      setUsers({ status: 'error', message: error instanceof ApiError ? error.message : 'Could not load the users.' });
    }
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    void loadUsers(controller.signal);
    return () => controller.abort();
  }, [loadUsers]);

  return (
    <div className="page">
      <PageHeader title="Company Account" description="Your company, the people who can sign in to it, and its stores." />

      <section className="card" aria-labelledby="company-heading">
        <h2 className="card-title" id="company-heading">
          Company
        </h2>
        <dl className="facts">
          <div>
            <dt>Company name</dt>
            <dd data-testid="company-account-name">{company.name}</dd>
          </div>
          <div>
            <dt>Signed in as</dt>
            <dd>
              {user.name} · {ROLE_LABELS[user.role]}
            </dd>
          </div>
        </dl>
      </section>

      <Link to="/settings/company/retail-store" className="card card-link">
        <span className="card-link-icon" aria-hidden="true">
          <StoreIcon size={22} />
        </span>
        <span className="card-link-text">
          <span className="card-link-title">Retail Store</span>
          <span className="card-link-body">Your stores and their mappings to point-of-sale locations.</span>
        </span>
        <ChevronRightIcon />
      </Link>

      <section className="card" aria-labelledby="users-heading">
        <div className="card-header">
          <h2 className="card-title" id="users-heading">
            Users
          </h2>
          {users.status === 'loaded' && <span className="muted">{users.users.length === 1 ? '1 user' : `${users.users.length} users`}</span>}
        </div>
        {justAdded && <Alert tone="success">{justAdded}</Alert>}
        {users.status === 'loading' && <Loading label="Loading users…" />}
        {users.status === 'error' && <Alert>{users.message}</Alert>}
        {users.status === 'loaded' && <UsersTable users={users.users} currentUserId={user.id} />}
      </section>

      {user.role === 'admin' ? (
        <AddUserForm
          onSubmitting={() => setJustAdded(undefined)}
          onAdded={async (added) => {
            setJustAdded(`${added.name} can now sign in with ${added.email}.`);
            await loadUsers();
          }}
        />
      ) : (
        <p className="muted">Only an admin of {company.name} can add users.</p>
      )}
    </div>
  );
}

function UsersTable({ users, currentUserId }: { users: User[]; currentUserId: string }) {
  return (
    <div className="table-wrap">
      <table className="table" aria-labelledby="users-heading">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Added</th>
          </tr>
        </thead>
        <tbody>
          {users.map((person) => (
            <tr key={person.id}>
              <td>
                {person.name}
                {person.id === currentUserId && <span className="tag">You</span>}
              </td>
              <td>{person.email}</td>
              <td>
                <span className={person.role === 'admin' ? 'badge badge-green' : 'badge'}>{ROLE_LABELS[person.role]}</span>
              </td>
              <td>{person.createdAt ? formatDate(person.createdAt) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const FIELDS = ['name', 'email', 'password', 'role'] as const;
type Field = (typeof FIELDS)[number];
const EMPTY = { name: '', email: '', password: '' };

function AddUserForm({ onAdded, onSubmitting }: { onAdded: (user: User) => Promise<void>; onSubmitting: () => void }) {
  const formRef = useRef<HTMLFormElement>(null);
  const focusFirstInvalid = useFocusFirstInvalid(formRef);
  const [values, setValues] = useState(EMPTY);
  const [role, setRole] = useState<Role>('member');
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const [formError, setFormError] = useState<string>();
  const [submitting, setSubmitting] = useState(false);

  const update = (field: keyof typeof EMPTY) => (value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    if (errors[field]) setErrors((current) => ({ ...current, [field]: undefined }));
  };

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(undefined);
    onSubmitting();
    const found = collectErrors<Field>({
      name: checkRequired(values.name, 'Enter a name.', 200, 'Names can be at most 200 characters.'),
      email: checkEmail(values.email),
      password: checkNewPassword(values.password),
      role: undefined,
    });
    setErrors(found);
    if (hasErrors(found)) {
      focusFirstInvalid();
      return;
    }
    setSubmitting(true);
    try {
      const { user } = await api.addUser({ name: values.name.trim(), email: values.email.trim(), password: values.password, role });
      setValues(EMPTY);
      setRole('member');
      await onAdded(user);
    } catch (error) {
      const routed = routeApiError(error, FIELDS);
      // The server's wording speaks to someone signing up; here an admin is adding someone else.
      if (error instanceof ApiError && error.code === 'email_taken') routed.fieldErrors.email = 'Someone already has a Patron account with this email.';
      setErrors(routed.fieldErrors);
      setFormError(routed.formError);
      focusFirstInvalid();
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <section className="card" aria-labelledby="add-user-heading">
      <h2 className="card-title" id="add-user-heading">
        Add user
      </h2>
      <p className="card-description">They sign in with this email and password. Share the password with them privately.</p>
      <form ref={formRef} className="form form-grid" onSubmit={handleSubmit} noValidate aria-labelledby="add-user-heading">
        {formError && (
          <div className="form-grid-full">
            <Alert>{formError}</Alert>
          </div>
        )}
        <TextField label="Name" name="name" autoComplete="off" value={values.name} onChange={update('name')} error={errors.name} />
        <TextField label="Email" name="email" type="email" autoComplete="off" value={values.email} onChange={update('email')} error={errors.email} />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          value={values.password}
          onChange={update('password')}
          error={errors.password}
          hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
        />
        <SelectField
          label="Role"
          name="role"
          value={role}
          onChange={setRole}
          error={errors.role}
          options={[
            { value: 'member', label: 'Member' },
            { value: 'admin', label: 'Admin (can add users)' },
          ]}
        />
        <div className="form-grid-full form-actions">
          <Button type="submit" busy={submitting}>
            Add user
          </Button>
        </div>
      </form>
    </section>
  );
}

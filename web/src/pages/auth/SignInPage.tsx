import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api/client.ts';
import { useAuth } from '../../app/auth.tsx';
import { Alert } from '../../components/Alert.tsx';
import { Button } from '../../components/Button.tsx';
import { TextField } from '../../components/TextField.tsx';
import { routeApiError } from '../../lib/apiErrors.ts';
import { checkEmail, collectErrors, hasErrors, type FieldErrors } from '../../lib/validation.ts';
import { useFocusFirstInvalid } from '../../lib/useFocusFirstInvalid.ts';
import { AuthLayout } from './AuthLayout.tsx';

const FIELDS = ['email', 'password'] as const;
type Field = (typeof FIELDS)[number];

/** Signs in; <GuestOnly> then sends the person to where they were headed (or Personas). */
export function SignInPage() {
  const { state, refresh } = useAuth();
  const formRef = useRef<HTMLFormElement>(null);
  const focusFirstInvalid = useFocusFirstInvalid(formRef);
  const [values, setValues] = useState<Record<Field, string>>({ email: '', password: '' });
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const [formError, setFormError] = useState<string>();
  const [submitting, setSubmitting] = useState(false);
  const noAccountsYet = state.status === 'signedOut' && !state.hasUsers;

  const update = (field: Field) => (value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    if (errors[field]) setErrors((current) => ({ ...current, [field]: undefined }));
  };

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(undefined);
    const found = collectErrors<Field>({
      email: checkEmail(values.email),
      password: values.password ? undefined : 'Enter your password.',
    });
    setErrors(found);
    if (hasErrors(found)) {
      focusFirstInvalid();
      return;
    }
    setSubmitting(true);
    try {
      await api.signIn({ email: values.email.trim(), password: values.password });
      await refresh();
      setSubmitting(false);
    } catch (error) {
      const routed = routeApiError(error, FIELDS);
      setErrors(routed.fieldErrors);
      setFormError(routed.formError);
      setValues((current) => ({ ...current, password: '' }));
      setSubmitting(false);
      focusFirstInvalid();
    }
  };

  return (
    <AuthLayout
      title="Sign in to Patron"
      subtitle="Welcome back. Use the email and password of your Patron account."
      footer={
        <>
          New to Patron? <Link to="/signup">Create an account</Link>
        </>
      }
    >
      <form ref={formRef} className="form" onSubmit={handleSubmit} noValidate aria-label="Sign in">
        {noAccountsYet && (
          <Alert tone="info">
            No company has been set up yet. <Link to="/signup">Create the first account</Link>.
          </Alert>
        )}
        {formError && <Alert>{formError}</Alert>}
        <TextField label="Email" name="email" type="email" autoComplete="username" value={values.email} onChange={update('email')} error={errors.email} autoFocus />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" value={values.password} onChange={update('password')} error={errors.password} />
        <Button type="submit" busy={submitting} className="btn-block">
          Sign in
        </Button>
      </form>
    </AuthLayout>
  );
}

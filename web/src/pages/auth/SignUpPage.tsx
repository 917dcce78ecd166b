import { useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../../api/client.ts';
import { HOME_PATH } from '../../app/guards.tsx';
import { useAuth } from '../../app/auth.tsx';
import { Alert } from '../../components/Alert.tsx';
import { Button } from '../../components/Button.tsx';
import { TextField } from '../../components/TextField.tsx';
import { routeApiError } from '../../lib/apiErrors.ts';
import {
  checkEmail,
  checkNewPassword,
  checkRequired,
  collectErrors,
  hasErrors,
  PASSWORD_MIN_LENGTH,
  type FieldErrors,
} from '../../lib/validation.ts';
import { useFocusFirstInvalid } from '../../lib/useFocusFirstInvalid.ts';
import { AuthLayout } from './AuthLayout.tsx';

const FIELDS = ['companyName', 'name', 'email', 'password'] as const;
type Field = (typeof FIELDS)[number];

/** Creates a company and its first admin, then signs that admin in. */
export function SignUpPage() {
  const { signedIn } = useAuth();
  const navigate = useNavigate();
  const formRef = useRef<HTMLFormElement>(null);
  const focusFirstInvalid = useFocusFirstInvalid(formRef);
  const [values, setValues] = useState<Record<Field, string>>({ companyName: '', name: '', email: '', password: '' });
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const [formError, setFormError] = useState<string>();
  const [submitting, setSubmitting] = useState(false);

  const update = (field: Field) => (value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    if (errors[field]) setErrors((current) => ({ ...current, [field]: undefined }));
  };

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(undefined);
    const found = collectErrors<Field>({
      companyName: checkRequired(values.companyName, 'Enter your company name.', 200, 'Company names can be at most 200 characters.'),
      name: checkRequired(values.name, 'Enter your name.', 200, 'Names can be at most 200 characters.'),
      email: checkEmail(values.email),
      password: checkNewPassword(values.password),
    });
    setErrors(found);
    if (hasErrors(found)) {
      focusFirstInvalid();
      return;
    }
    setSubmitting(true);
    try {
      const session = await api.signUp({ ...values, companyName: values.companyName.trim(), name: values.name.trim(), email: values.email.trim() });
      signedIn(session);
      navigate(HOME_PATH, { replace: true });
    } catch (error) {
      const routed = routeApiError(error, FIELDS);
      setErrors(routed.fieldErrors);
      setFormError(routed.formError);
      setSubmitting(false);
      focusFirstInvalid();
    }
  };

  return (
    <AuthLayout
      title="Create your Patron account"
      subtitle="Set up your company. You will be its admin and can invite your team afterwards."
      footer={
        <>
          Already have an account? <Link to="/signin">Sign in</Link>
        </>
      }
    >
      <form ref={formRef} className="form" onSubmit={handleSubmit} noValidate aria-label="Sign up">
        {formError && <Alert>{formError}</Alert>}
        <TextField label="Company name" name="companyName" autoComplete="organization" value={values.companyName} onChange={update('companyName')} error={errors.companyName} autoFocus />
        <TextField label="Your name" name="name" autoComplete="name" value={values.name} onChange={update('name')} error={errors.name} />
        <TextField label="Work email" name="email" type="email" autoComplete="email" value={values.email} onChange={update('email')} error={errors.email} />
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
        <Button type="submit" busy={submitting} className="btn-block">
          Create account
        </Button>
      </form>
    </AuthLayout>
  );
}

import { useCallback, useLayoutEffect, useState, type RefObject } from 'react';

/**
 * Returns a function that moves keyboard focus to the first field marked invalid inside the form,
 * so a keyboard user can fix it straight away. Call it together with the state update that shows the
 * errors: the focus happens in a layout effect, right after React has put `aria-invalid` in the DOM.
 * (Focusing from a timer or animation frame instead can run before that render, find nothing, or
 * steal focus from a field the person has already moved on to.)
 */
export function useFocusFirstInvalid(formRef: RefObject<HTMLFormElement | null>): () => void {
  const [requests, setRequests] = useState(0);
  useLayoutEffect(() => {
    if (requests === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], [data-form-alert]')?.focus();
  }, [requests, formRef]);
  return useCallback(() => setRequests((count) => count + 1), []);
}

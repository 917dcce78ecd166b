import { useEffect, useId, useRef, type ReactNode } from 'react';
import { Button } from './Button.tsx';

type ConfirmDialogProps = {
  title: string;
  children: ReactNode;
  /** The choices, most cautious first; Cancel is always added last. */
  actions: ReactNode;
  onCancel: () => void;
  /** Blocks Escape and Cancel while a choice is being carried out. */
  busy?: boolean;
};

/**
 * A modal question built on the native <dialog>: the browser traps focus, Escape cancels, and the page
 * behind it is inert. Rendered only while open.
 */
export function ConfirmDialog({ title, children, actions, onCancel, busy = false }: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(event) => {
        // Escape: close through React state, so the dialog and its owner never disagree.
        event.preventDefault();
        if (!busy) onCancel();
      }}
    >
      <h2 className="dialog-title" id={titleId}>
        {title}
      </h2>
      <div className="dialog-body" id={bodyId}>
        {children}
      </div>
      <div className="dialog-actions">
        {actions}
        <Button variant="ghost" onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
      </div>
    </dialog>
  );
}

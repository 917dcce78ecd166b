/** A spinner with words, announced politely. `fill` centres it in the page (first load). */
export function Loading({ label = 'Loading…', fill = false }: { label?: string; fill?: boolean }) {
  return (
    <div className={fill ? 'loading loading-fill' : 'loading'} role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

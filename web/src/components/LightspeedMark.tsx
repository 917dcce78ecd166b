/**
 * Patron's own mark for Lightspeed X-Series: a dark tile with a bold "X", drawn here (no third-party
 * logo). It names itself to screen readers unless `decorative` is set.
 */
export function LightspeedMark({ size = 28, decorative = false }: { size?: number; decorative?: boolean }) {
  const labelled = decorative ? { 'aria-hidden': true as const } : { role: 'img', 'aria-label': 'Lightspeed X-Series' };
  return (
    <svg className="lightspeed-mark" width={size} height={size} viewBox="0 0 32 32" focusable="false" {...labelled}>
      {!decorative && <title>Lightspeed X-Series</title>}
      <rect x="1" y="1" width="30" height="30" rx="7" fill="#1f2430" />
      <path d="M10 9.5 22 22.5M22 9.5 10 22.5" stroke="#ffffff" strokeWidth="3.6" strokeLinecap="round" />
    </svg>
  );
}

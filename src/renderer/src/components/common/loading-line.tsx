// The one way a pane says it is waiting for the main process.
export function LoadingLine({ label }: { label: string }) {
  return (
    <p className="loading-line" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

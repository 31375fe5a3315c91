// Shown instead of the app when a browser opened Looplab without the session token of `looplab serve`.
export function NoSession() {
  return (
    <main className="no-session" data-testid="no-session">
      <div className="no-session-card">
        <h1>Looplab</h1>
        <p className="no-session-lead">This page has no session token, so it cannot reach Looplab.</p>
        <p>
          Open the link that <code>looplab serve</code> printed in its terminal. It carries the token for this browser
          tab; the address alone is not enough.
        </p>
      </div>
    </main>
  );
}

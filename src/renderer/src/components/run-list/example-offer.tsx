// The recorded example run, offered while the data folder has no runs: replaying it shows a whole loop
// (data inspected, a trainer run as a job, the harness scoring two attempts) with no model set up.
import { request } from '../../bridge';
import { useAction } from '../../hooks/use-action';
import { ErrorBox } from '../common/error-box';

const replayExample = () => request('examples.replay', {});

export function ExampleOffer({ onOpen }: { onOpen: (runId: string) => void }) {
  const replay = useAction(replayExample);

  async function onReplay(): Promise<void> {
    const started = await replay.run();
    if (started !== undefined) onOpen(started.id);
  }

  return (
    <div className="example-offer" data-testid="example-offer">
      <p className="muted">
        A recorded example run ships with Looplab: a text classifier trained in the sandbox and scored by the harness.
        Its replay needs no model; its tools run again here.
      </p>
      <button
        type="button"
        className="button button-primary"
        data-testid="replay-example"
        disabled={replay.busy}
        onClick={() => void onReplay()}
      >
        {replay.busy ? 'Starting the replay…' : 'Replay the example run'}
      </button>
      {replay.error !== null && <ErrorBox error={replay.error} />}
    </div>
  );
}

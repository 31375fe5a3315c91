// `npm run bench`: every benchmark, each figure beside a baseline measured in the same run.
import { benchCli } from './cli';
import { benchData } from './data';
import { benchJobsWatch } from './jobs-watch';
import { benchLoad } from './load';
import { benchLoop } from './loop';
import { benchNetwork } from './network';
import { benchRedact } from './redact';
import { benchReplay } from './replay';
import { benchSandbox } from './sandbox';
import { benchSnapshots } from './snapshots';
import { benchUi } from './ui';
import { benchStore } from './store';
import { benchTargets } from './targets';
import { benchWriters } from './writers';
import { figures, notMeasured } from './report';

benchStore();
await benchWriters();
await benchLoop();
await benchReplay();
await benchSandbox();
await benchJobsWatch();
await benchNetwork();
await benchTargets();
await benchSnapshots();
await benchUi();
await benchData();
await benchLoad();
benchRedact();
benchCli();
const missed = figures.filter((figure) => figure.met === false);
if (missed.length > 0)
  console.log(`\n${missed.length} target(s) not met: ${missed.map((figure) => figure.name).join('; ')}`);
if (notMeasured.length > 0)
  console.log(`\n${notMeasured.length} benchmark(s) not measured: ${notMeasured.map((item) => item.name).join('; ')}`);
// A missed target or a benchmark that could not run is a failure, not a line to overlook.
if (missed.length > 0 || notMeasured.length > 0) process.exitCode = 1;

// `npm run bench`: every benchmark, each figure beside a baseline measured in the same run.
import { benchLoad } from './load';
import { benchLoop } from './loop';
import { benchSandbox } from './sandbox';
import { benchUi } from './ui';
import { benchStore } from './store';
import { figures } from './report';

benchStore();
await benchLoop();
await benchSandbox();
await benchUi();
await benchLoad();
const missed = figures.filter((figure) => figure.met === false);
if (missed.length > 0)
  console.log(`\n${missed.length} target(s) not met: ${missed.map((figure) => figure.name).join('; ')}`);

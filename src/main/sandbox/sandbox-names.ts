// The names Looplab's containers and images carry, apart from what makes a container (container-spec.ts),
// so that a command that only names them (`looplab sandbox status`, its help) loads nothing else.

export const LABEL_RUN = 'dev.looplab.run';
export const LABEL_HOME = 'dev.looplab.home';
export const LABEL_VERSION = 'dev.looplab.version';

export const BASE_IMAGE = 'looplab-base:bookworm';

// The Files tab's order: a tree, folder contents under their folder, hidden names last.
import { describe, expect, it } from 'vitest';
import { comparePaths } from './paths';

describe('comparePaths', () => {
  it('keeps each folder’s contents under it and puts hidden names after the others', () => {
    const paths = [
      'train.py',
      '.looplab/jobs/job_1.log',
      'outputs/model.bin',
      '.looplab',
      'outputs',
      '.looplab/jobs',
      'a.csv',
    ];
    expect(paths.sort(comparePaths)).toEqual([
      'a.csv',
      'outputs',
      'outputs/model.bin',
      'train.py',
      '.looplab',
      '.looplab/jobs',
      '.looplab/jobs/job_1.log',
    ]);
  });
});

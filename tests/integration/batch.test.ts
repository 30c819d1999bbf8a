import { describe } from 'vitest';
import { LocalTarget } from '../../src/targets/local.js';
import { batchSuite } from '../helpers/batch-suite.js';

describe('a batch of read-only commands', () => {
  batchSuite(() => new LocalTarget());
});

export { BUILTIN_TEST_MACROS, BUILTIN_TEST_ARGS, rewriteTestBlocks } from './builtin-tests.js';
export { testStatus, meets, isValidCondition, type TestStatus } from './thresholds.js';
export { executeDataTest, type TestOutcome } from './execute-test.js';

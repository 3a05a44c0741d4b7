// A META script: its top-level const is visible to the test file.
const helperValue = 42;

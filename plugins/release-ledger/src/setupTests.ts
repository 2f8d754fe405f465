import '@testing-library/jest-dom';

// Whole pages (the app tester, charts) render in seconds on a loaded 2-core
// CI machine; jest's 5 s default fails them for time, not for behaviour.
jest.setTimeout(30_000);

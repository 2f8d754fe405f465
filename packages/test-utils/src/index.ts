/**
 * Test doubles shared by the backend plugin's tests, bench/ and e2e/. Private:
 * never a dependency of a published package, only a devDependency.
 *
 * No jest globals in here: the benchmarks and e2e scripts import it outside jest.
 *
 * @packageDocumentation
 */
export * from './fakeSlack';
export * from './prometheus';

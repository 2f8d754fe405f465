export * from './FakeSlackServer';

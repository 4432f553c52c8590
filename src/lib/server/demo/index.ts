// demo: the demo borough (schools, staff, classes, pupils), a term of its history and a
// closed past year, loaded on an empty database by `npm start` on a local address.
export { DEMO_PASSWORD, DEMO_SCHOOLS, demoSignIns, isEmpty, seedDemo } from './borough';
export { DEMO_PAST_YEAR } from './past-year';

export { DateTimeResolver } from 'graphql-scalars';

import { ApolloGateway } from '@apollo/gateway';
// Apollo gateway's own module that builds the exporter to Apollo's servers; spied on so nothing is sent.
import * as apolloTelemetry from '@apollo/gateway/dist/utilities/opentelemetry';
import { withoutVendorTelemetry } from './vendor-telemetry';

const SUPERGRAPH = 'schema @link(url: "https://specs.apollo.dev/link/v1.0") { query: Query } type Query { ping: String }';

describe('vendor telemetry', () => {
  let exporter: jest.SpyInstance;

  beforeEach(() => {
    delete process.env.APOLLO_TELEMETRY_DISABLED;
    exporter = jest.spyOn(apolloTelemetry, 'createDataCollectionExporter').mockImplementation(() => {
      throw new Error('Apollo usage reporting must not be set up');
    });
  });

  afterEach(() => exporter.mockRestore());

  it('builds the gateway without the usage reporting to Apollo it sets up by default', () => {
    expect(() => new ApolloGateway({ supergraphSdl: SUPERGRAPH })).toThrow('must not be set up');

    const gateway = withoutVendorTelemetry(() => new ApolloGateway({ supergraphSdl: SUPERGRAPH }));

    expect(gateway).toBeInstanceOf(ApolloGateway);
    expect(exporter).toHaveBeenCalledTimes(1);
  });

  it('leaves the environment as it found it', () => {
    withoutVendorTelemetry(() => undefined);
    expect(process.env.APOLLO_TELEMETRY_DISABLED).toBeUndefined();
    process.env.APOLLO_TELEMETRY_DISABLED = '0';
    withoutVendorTelemetry(() => undefined);
    expect(process.env.APOLLO_TELEMETRY_DISABLED).toBe('0');
  });
});

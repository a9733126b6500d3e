/**
 * Apollo gateway reports usage to Apollo's servers (usage-reporting.api.apollographql.com, hourly: host, OS, CPU and
 * memory figures) from every instance it constructs unless APOLLO_TELEMETRY_DISABLED is set when it is constructed;
 * its cloud resource detectors come with it. A residents' platform does not report to a vendor it has no data
 * processing agreement with, and an operator should not have to know the variable (decision 0063): the gateway is
 * always built with it set. Only the constructor reads it, so the caller's environment is restored afterwards.
 */
export function withoutVendorTelemetry<T>(construct: () => T): T {
  const before = process.env.APOLLO_TELEMETRY_DISABLED;
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  try {
    return construct();
  } finally {
    if (before === undefined) delete process.env.APOLLO_TELEMETRY_DISABLED;
    else process.env.APOLLO_TELEMETRY_DISABLED = before;
  }
}

#pragma once
// postgres://[user@]host[:port][/db][?query=SQL&PARAM=VALUE...]: one probe is
// one query (default `SELECT 1`, percent-escaped in the URL: `SELECT%201`)
// through libpq, on a connection kept open from probe to probe (as an HTTP
// probe keeps its keep-alive connection); the first probe, a probe after a
// failure and, with ProbeOptions::fresh_connection, every probe connect
// first, and their latency includes the connect. The password comes from
// libpq's own PGPASSFILE or PGPASSWORD, never from the URL; every other
// parameter libpq takes in a URL (sslmode, host=/socket/dir, ...) passes
// through. A query the server answers with an error is a failed probe
// (error "other", the message in detail); a completed query is a success,
// recorded as response code 200.

#include <smart/measure/probe.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace smart {

struct PostgresRequest {
  std::string conninfo; // the URL without its query= parameter, for libpq
  std::string query;    // percent-decoded; "SELECT 1" when not given
};

// Splits a postgres:// URL. Throws smart::UsageError "--url 'X': why" for a
// bad %-escape, an empty query, or a URL libpq rejects (its message).
PostgresRequest postgres_request(std::string_view url);

std::unique_ptr<Prober> make_postgres_prober(const Target& target, const ProbeOptions& options);

} // namespace smart

#pragma once

#include <smart/measure/sample_writer.hpp>
#include <smart/util/units.hpp>

#include <curl/curl.h>

#include <filesystem>
#include <optional>
#include <string>

// libcurl set-up shared by probe mode (one easy handle for the run) and
// https:// load mode (one per connection), so both send the same request and
// verify TLS the same way.

namespace smart::curl_easy {

// curl_global_init once per process; throws smart::Error if it fails.
void global_init();

struct HandleOptions {
  std::string url;
  util::Duration timeout{5.0};                 // whole transfer, connect included
  bool insecure = false;                       // skip certificate verification
  std::optional<std::filesystem::path> cacert; // trust these CA certificates
};

// A GET of url whose body is discarded: http/https only, no signals, the
// timeout, smart-measure's User-Agent, the TLS options.
void configure(CURL* easy, const HandleOptions& options);

// The phases of the last transfer from libcurl's cumulative times; a phase a
// reused connection skipped is 0.
Phases phases(CURL* easy);

} // namespace smart::curl_easy

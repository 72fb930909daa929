#pragma once

// libcurl's process-wide initialisation, done once however many clients
// (probes, the coach's HTTP client) ask for it. Throws util::Failure if
// libcurl cannot initialise.

namespace smart::util {

void curl_global_init_once();

} // namespace smart::util

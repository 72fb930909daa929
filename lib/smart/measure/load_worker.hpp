#pragma once

#include <smart/measure/load_generator.hpp>
#include <smart/measure/load_recorder.hpp>
#include <smart/measure/load_schedule.hpp>
#include <smart/measure/load_transport.hpp>

#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

// One thread of a load run: an epoll loop over its connections, each a
// small state machine (idle, connecting, handshaking, writing, reading)
// over a Transport. The schedule says when requests are due, the recorder
// takes the finished ones.

namespace smart {

// One target of the run, as the workers send and check it.
struct LoadRequest {
  std::string request; // the whole request, sent as is each time
  std::string url;     // the row's target column
  bool head = false;   // HEAD: the response has no body
  double weight = 1;
  ResponseChecks checks;
};

// What the workers share; immutable after the start but for the atomics.
struct LoadShared {
  const LoadOptions* options = nullptr;
  const LoadSchedule* schedule = nullptr;
  const TransportKind* transport = nullptr;
  LoadRecorder::Output output;
  int wake_fd = -1; // readable: look at stop
  sockaddr_storage address{};
  socklen_t address_length = 0;
  std::vector<LoadRequest> requests; // one per target of the mix (one without a mix)

  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> claimed{0}; // recorded requests started (--count)
  LoadCounters counters;
};

// Per-thread results, merged at the end.
struct LoadWorkerResult {
  SampleTally tally;
  std::uint64_t not_sent = 0;
  std::exception_ptr failure;
};

// Runs worker index until the run ends (end, count or stop) and its
// in-flight requests are done. Throws smart::Error when epoll fails.
void run_load_worker(LoadShared& shared, unsigned index, LoadWorkerResult& result);

} // namespace smart

#include <smart/measure/load_generator.hpp>

#include <smart/error.hpp>
#include <smart/measure/load_worker.hpp>
#include <smart/measure/probe.hpp>
#include <smart/util/strings.hpp>
#include <smart/version.hpp>

#include <fmt/format.h>

#include <netdb.h>
#include <poll.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

namespace smart {

namespace {

using steady = std::chrono::steady_clock;
using std::chrono::nanoseconds;

void resolve(const Target& target, LoadShared& shared)
{
  addrinfo* result = nullptr;
  const int rc = resolve_stream(target, &result);
  if (rc != 0 || result == nullptr) {
    throw Error("cannot resolve {}: {}", target.host, ::gai_strerror(rc));
  }
  // The first address, as resolved once for the whole run: load mode
  // measures the server, not the resolver.
  std::memcpy(&shared.address, result->ai_addr, result->ai_addrlen);
  shared.address_length = result->ai_addrlen;
  ::freeaddrinfo(result);
}

std::string build_request(const Target& target, const std::string& method,
                          const std::vector<std::string>& headers)
{
  const bool default_port = (target.scheme == Scheme::http && target.port == 80) ||
                            (target.scheme == Scheme::https && target.port == 443);
  const bool v6 = target.host.find(':') != std::string::npos;
  const std::string host = v6 ? "[" + target.host + "]" : target.host;
  std::string request =
    fmt::format("{} {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: smart-measure/{}\r\nAccept: */*\r\n", method,
                target.path, default_port ? host : target.authority(), SMART_VERSION);
  for (const auto& header : headers) {
    request += header + "\r\n";
  }
  return request + "\r\n";
}

std::string origin_of(const Target& target)
{
  return fmt::format("{}://{}", to_string(target.scheme), target.authority());
}

// The requests of the run: the mix's, all on the origin of options.target,
// or the one GET of options.target.
std::vector<LoadRequest> requests_of(const LoadOptions& options)
{
  std::vector<LoadRequest> requests;
  if (options.mix.empty()) {
    LoadRequest only;
    only.request = build_request(options.target, "GET", {});
    only.url = options.target.url;
    only.checks = options.checks;
    requests.push_back(std::move(only));
    return requests;
  }
  const std::string origin = origin_of(options.target);
  for (const MixTarget& target : options.mix) {
    if (origin_of(target.target) != origin) {
      throw UsageError("load mode takes a mix on one origin (scheme://host:port), whose keep-alive "
                       "connections its targets share: {} is not on {}",
                       util::printable(target.target.url, 120), util::printable(origin, 120));
    }
    LoadRequest request;
    request.request = build_request(target.target, target.method, target.headers);
    request.url = target.target.url;
    request.head = target.method == "HEAD";
    request.weight = target.weight;
    request.checks = checks_for(target, options.checks);
    requests.push_back(std::move(request));
  }
  return requests;
}

std::unique_ptr<TransportKind> make_transport(const LoadOptions& options)
{
  if (options.target.scheme != Scheme::https) {
    return plain_transport();
  }
  TlsOptions tls;
  tls.host = options.target.host;
  tls.insecure = options.insecure;
  tls.cacert = options.cacert;
  return tls_transport(tls);
}

LoadSchedule::Plan plan_of(const LoadOptions& options)
{
  LoadSchedule::Plan plan;
  plan.concurrency = options.concurrency;
  plan.threads = options.threads;
  plan.rate = options.rate;
  plan.warmup = options.warmup;
  plan.duration = options.duration;
  return plan;
}

void wake(int fd)
{
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto ignored = ::write(fd, &one, sizeof one);
}

// The calling thread while the workers run: the stop fd (a signal), and
// progress about 5 times a second, until every worker has ended.
void watch(LoadShared& shared, const LoadSchedule& schedule, const std::atomic<unsigned>& running,
           const std::function<bool(const LoadProgress&)>& on_progress)
{
  const int stop_fd = shared.options->stop_fd;
  const auto wake_all = [&] {
    shared.stop = true;
    wake(shared.wake_fd);
  };
  while (running.load() > 0) {
    pollfd fds[2] = {{stop_fd, POLLIN, 0}, {shared.wake_fd, POLLIN, 0}};
    ::poll(fds, stop_fd >= 0 ? 2 : 1, 200);
    if (stop_fd < 0) {
      ::poll(&fds[1], 1, 200);
    }
    if (fds[0].revents != 0 && stop_fd >= 0) {
      wake_all();
    }
    const auto now = steady::now();
    LoadProgress progress;
    progress.requests = shared.counters.requests.load(std::memory_order_relaxed);
    progress.errors = shared.counters.errors.load(std::memory_order_relaxed);
    if (now > schedule.measure_start()) {
      progress.rate_per_s = static_cast<double>(progress.requests) /
                            std::chrono::duration<double>(now - schedule.measure_start()).count();
    }
    if (!shared.stop && !on_progress(progress)) {
      wake_all();
    }
  }
}

} // namespace

LoadGenerator::LoadGenerator(LoadOptions options, SampleSink& sink)
  : m_options(std::move(options)), m_sink(sink)
{
}

LoadResult LoadGenerator::run(const std::function<bool(const LoadProgress&)>& on_progress)
{
  if (m_options.target.scheme != Scheme::http && m_options.target.scheme != Scheme::https) {
    throw UsageError("load mode needs an http:// or https:// target");
  }
  LoadShared shared;
  shared.options = &m_options;
  resolve(m_options.target, shared);
  const auto transport = make_transport(m_options);
  shared.transport = transport.get();
  shared.requests = requests_of(m_options);
  shared.wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (shared.wake_fd < 0) {
    throw Error("eventfd: {}", std::strerror(errno));
  }
  const auto start = steady::now();
  const LoadSchedule schedule(plan_of(m_options), start);
  shared.schedule = &schedule;
  shared.output.sink = &m_sink;
  shared.output.columns = m_options.columns;
  shared.output.sample_every = m_options.sample_every;
  shared.output.wall_offset =
    std::chrono::duration_cast<nanoseconds>(std::chrono::system_clock::now().time_since_epoch()) -
    std::chrono::duration_cast<nanoseconds>(start.time_since_epoch());

  const unsigned threads = schedule.threads();
  std::vector<LoadWorkerResult> results(threads);
  for (auto& r : results) {
    r.tally = SampleTally(m_options.checks.status);
  }
  std::atomic<unsigned> running{threads};
  std::vector<std::thread> pool;
  for (unsigned i = 0; i < threads; ++i) {
    pool.emplace_back([&, i] {
      try {
        run_load_worker(shared, i, results[i]);
      } catch (...) {
        results[i].failure = std::current_exception();
      }
      if (running.fetch_sub(1) == 1) {
        wake(shared.wake_fd);
      }
    });
  }
  watch(shared, schedule, running, on_progress);
  for (auto& thread : pool) {
    thread.join();
  }
  const auto finished = steady::now();
  ::close(shared.wake_fd);

  LoadResult result;
  for (auto& r : results) {
    if (r.failure) {
      std::rethrow_exception(r.failure);
    }
    result.tally.merge(r.tally);
    result.not_sent += r.not_sent;
  }
  result.elapsed_s = schedule.elapsed_s(finished);
  return result;
}

} // namespace smart

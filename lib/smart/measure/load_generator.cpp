#include <smart/measure/load_generator.hpp>

#include <smart/error.hpp>
#include <smart/measure/http_response_parser.hpp>
#include <smart/measure/probe.hpp>
#include <smart/version.hpp>

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <exception>
#include <memory>
#include <thread>
#include <vector>

namespace smart {

namespace {

using steady = std::chrono::steady_clock;
using std::chrono::nanoseconds;

constexpr std::uint32_t wake_id = 0xffffffffu;
// A connection that failed to connect waits this long before the next try in
// the closed loop, so a dead port yields a steady stream of error rows rather
// than a CPU-bound spin.
constexpr auto connect_backoff = std::chrono::milliseconds(10);
// How often rows buffered by a worker reach the output at the latest.
constexpr auto flush_every = std::chrono::milliseconds(100);
constexpr std::size_t flush_bytes = 64 * 1024;

double ms(steady::duration d)
{
  return std::chrono::duration<double, std::milli>(d).count();
}

// What the workers share; immutable after the start but for the atomics.
struct Shared {
  const LoadOptions* options = nullptr;
  SampleSink* sink = nullptr;
  steady::time_point start;         // the schedule's origin (warmup begins)
  steady::time_point measure_start; // start + warmup
  std::optional<steady::time_point> end;
  nanoseconds wall_offset{0}; // system_clock - steady_clock
  int wake_fd = -1;
  sockaddr_storage address{};
  socklen_t address_length = 0;
  std::string request;
  SSL_CTX* tls = nullptr; // https://: one context for every connection
  std::string tls_sni;    // the host name sent as SNI (none for an address)

  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> claimed{0};
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> errors{0};
};

// Per-thread results, merged at the end.
struct WorkerResult {
  SampleTally tally;
  std::uint64_t not_sent = 0;
  std::exception_ptr failure;
};

// Records finished requests of one worker: the tally, the progress counters
// and the rows (one per sample_every), batched to the sink.
class Recorder {
public:
  Recorder(Shared& shared, WorkerResult& result)
    : m_shared(shared), m_result(result), m_formatter(shared.options->columns)
  {
  }

  void record(steady::time_point begin, double latency_ms, int code, ProbeError error, const Phases& phases)
  {
    m_result.tally.add(latency_ms, code, error);
    m_shared.requests.fetch_add(1, std::memory_order_relaxed);
    if (code == 0 || error != ProbeError::none) {
      m_shared.errors.fetch_add(1, std::memory_order_relaxed);
    }
    if (m_recorded++ % m_shared.options->sample_every == 0) {
      Sample sample;
      sample.timestamp = util::SystemTime(std::chrono::duration_cast<util::SystemTime::duration>(
        begin.time_since_epoch() + m_shared.wall_offset));
      sample.latency_ms = latency_ms;
      sample.response_code = code;
      sample.error = error;
      sample.phases = phases;
      m_formatter.append(m_rows, sample);
    }
  }

  // Writes the batch when it is due (every 100 ms, or 64 KiB).
  void maybe_flush(steady::time_point now)
  {
    if (now >= m_next_flush || m_rows.size() >= flush_bytes) {
      flush();
      m_next_flush = now + flush_every;
    }
  }

  void flush()
  {
    if (!m_rows.empty()) {
      m_shared.sink->write(m_rows);
      m_rows.clear();
    }
  }

  bool has_rows() const { return !m_rows.empty(); }
  steady::time_point next_flush() const { return m_next_flush; }

private:
  Shared& m_shared;
  WorkerResult& m_result;
  RowFormatter m_formatter;
  std::string m_rows;
  std::uint64_t m_recorded = 0;
  steady::time_point m_next_flush = steady::now() + flush_every;
};

class HttpWorker {
public:
  HttpWorker(Shared& shared, unsigned index, unsigned connections, WorkerResult& result)
    : m_shared(shared), m_options(*shared.options), m_index(index), m_result(result),
      m_recorder(shared, result), m_conns(connections), m_checks(shared.options->checks)
  {
    m_checks.load_reference();
    for (auto& conn : m_conns) {
      conn.parser.keep_body(m_checks.needs_body() ? ResponseChecks::max_body_bytes : 0);
    }
    m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
    if (m_epoll < 0) {
      throw Error("epoll_create1: {}", std::strerror(errno));
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = wake_id;
    ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, shared.wake_fd, &ev);
    m_timeout = std::chrono::duration_cast<steady::duration>(m_options.timeout);
    if (m_options.rate) {
      const double threads = static_cast<double>(m_options.threads);
      m_period_ns = 1e9 * threads / *m_options.rate;
      m_phase_ns = 1e9 * static_cast<double>(index) / *m_options.rate;
    }
    for (std::uint32_t i = 0; i < m_conns.size(); ++i) {
      m_idle.push_back(static_cast<std::uint32_t>(m_conns.size()) - 1 - i);
    }
    m_buffer.resize(64 * 1024);
  }

  ~HttpWorker()
  {
    for (auto& conn : m_conns) {
      close_conn(conn);
      SSL_SESSION_free(conn.session);
    }
    ::close(m_epoll);
  }

  HttpWorker(const HttpWorker&) = delete;
  HttpWorker& operator=(const HttpWorker&) = delete;

  void run()
  {
    if (m_shared.tls != nullptr) {
      // OpenSSL writes with write(2), not send(MSG_NOSIGNAL): a connection
      // the server closed must give EPIPE here, not kill the process.
      sigset_t pipe;
      sigemptyset(&pipe);
      sigaddset(&pipe, SIGPIPE);
      ::pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
    }
    std::vector<epoll_event> events(256);
    while (true) {
      const auto now = steady::now();
      if (m_shared.stop.load(std::memory_order_relaxed)) {
        break; // a signal or the abort guard: in-flight requests are not measurements
      }
      if (m_issuing && m_shared.end && now >= *m_shared.end) {
        stop_issuing(now);
      }
      if (!m_issuing && m_in_flight == 0) {
        break;
      }
      issue(now);
      if (m_in_flight > 0 && now >= m_next_timeout_scan) {
        expire(now);
        m_next_timeout_scan = now + std::max<steady::duration>(m_timeout / 20, std::chrono::milliseconds(1));
      }
      m_recorder.maybe_flush(now);
      const int n = wait(events, now);
      for (int i = 0; i < n; ++i) {
        if (events[static_cast<std::size_t>(i)].data.u32 == wake_id) {
          continue;
        }
        on_event(events[static_cast<std::size_t>(i)].data.u32, events[static_cast<std::size_t>(i)].events);
      }
    }
    m_recorder.flush();
  }

private:
  enum class State { idle, connecting, handshaking, writing, reading };

  struct Conn {
    int fd = -1;
    State state = State::idle;
    bool fresh = false; // opened for the current request
    bool retried = false;
    bool recorded = false;
    std::size_t written = 0;
    steady::time_point begin;      // latency origin: intended (open loop) or start (closed)
    steady::time_point dispatched; // when it really started (timeout origin)
    steady::time_point connect_start, tls_start, sent, first_byte;
    double connect_ms = 0;
    double tls_ms = 0;
    SSL* ssl = nullptr;             // https://
    SSL_SESSION* session = nullptr; // the last one, resumed by the next connection
    HttpResponseParser parser;
  };

  bool open_loop() const { return m_options.rate.has_value(); }

  steady::time_point intended(std::uint64_t seq) const
  {
    const double offset = m_phase_ns + static_cast<double>(seq) * m_period_ns;
    return m_shared.start + nanoseconds(static_cast<nanoseconds::rep>(offset));
  }

  void stop_issuing(steady::time_point now)
  {
    m_issuing = false;
    if (open_loop()) {
      // Due before the end but never sent (every connection was busy): the
      // summary says how many.
      const auto limit = m_shared.end ? std::min(now, *m_shared.end) : now;
      while (intended(m_next_seq) < limit && intended(m_next_seq) >= m_shared.measure_start) {
        ++m_result.not_sent;
        ++m_next_seq;
      }
    }
  }

  void issue(steady::time_point now)
  {
    if (!m_issuing) {
      return;
    }
    if (open_loop()) {
      while (m_issuing && !m_idle.empty() && intended(m_next_seq) <= now) {
        const auto id = m_idle.back();
        m_idle.pop_back();
        const auto due = intended(m_next_seq++);
        if (!start_request(id, due, now)) {
          break;
        }
      }
      return;
    }
    while (!m_backoff.empty() && m_backoff.front().first <= now) {
      m_idle.push_back(m_backoff.front().second);
      m_backoff.erase(m_backoff.begin());
    }
    while (m_issuing && !m_idle.empty()) {
      const auto id = m_idle.back();
      m_idle.pop_back();
      if (!start_request(id, now, now)) {
        break;
      }
    }
  }

  // False (and the connection back to idle) when --count is reached.
  bool start_request(std::uint32_t id, steady::time_point begin, steady::time_point now)
  {
    Conn& conn = m_conns[id];
    conn.recorded = begin >= m_shared.measure_start;
    if (conn.recorded && m_options.count) {
      if (m_shared.claimed.fetch_add(1, std::memory_order_relaxed) >= *m_options.count) {
        m_idle.push_back(id);
        m_issuing = false;
        return false;
      }
    }
    conn.begin = begin;
    conn.dispatched = now;
    conn.retried = false;
    conn.fresh = false;
    conn.connect_ms = 0;
    conn.tls_ms = 0;
    conn.parser.reset();
    ++m_in_flight;
    if (conn.fd < 0) {
      open_conn(id, now);
    } else {
      send_request(id, now);
    }
    return true;
  }

  void open_conn(std::uint32_t id, steady::time_point now)
  {
    Conn& conn = m_conns[id];
    conn.fresh = true;
    conn.connect_start = now;
    conn.fd = ::socket(m_shared.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (conn.fd < 0) {
      finish(id, 0, ProbeError::other, now);
      return;
    }
    const int one = 1;
    ::setsockopt(conn.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const int rc =
      ::connect(conn.fd, reinterpret_cast<const sockaddr*>(&m_shared.address), m_shared.address_length);
    if (rc != 0 && errno != EINPROGRESS) {
      finish(id, 0, errno == ETIMEDOUT ? ProbeError::timeout : ProbeError::connect, steady::now());
      return;
    }
    conn.state = State::connecting;
    epoll_event ev{};
    ev.events = EPOLLOUT;
    ev.data.u32 = id;
    ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, conn.fd, &ev);
  }

  void send_request(std::uint32_t id, steady::time_point now)
  {
    Conn& conn = m_conns[id];
    conn.state = State::writing;
    conn.written = 0;
    conn.sent = now;
    conn.first_byte = {};
    continue_write(id);
  }

  void continue_write(std::uint32_t id)
  {
    Conn& conn = m_conns[id];
    const std::string& request = m_shared.request;
    while (conn.written < request.size()) {
      if (conn.ssl != nullptr) {
        const int n =
          SSL_write(conn.ssl, request.data() + conn.written, static_cast<int>(request.size() - conn.written));
        if (n <= 0) {
          const int error = SSL_get_error(conn.ssl, n);
          if (error == SSL_ERROR_WANT_WRITE || error == SSL_ERROR_WANT_READ) {
            set_events(conn, EPOLLIN | EPOLLOUT);
            return;
          }
          ERR_clear_error();
          connection_died(id, error == SSL_ERROR_SYSCALL && errno != 0 ? errno : ECONNRESET);
          return;
        }
        conn.written += static_cast<std::size_t>(n);
        continue;
      }
      const ssize_t n =
        ::send(conn.fd, request.data() + conn.written, request.size() - conn.written, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        if (errno == EAGAIN) {
          set_events(conn, EPOLLIN | EPOLLOUT);
          return;
        }
        connection_died(id, errno);
        return;
      }
      conn.written += static_cast<std::size_t>(n);
    }
    if (conn.state == State::writing && conn.written == request.size()) {
      conn.state = State::reading;
    }
  }

  void set_events(Conn& conn, std::uint32_t events)
  {
    epoll_event ev{};
    ev.events = events;
    ev.data.u32 = static_cast<std::uint32_t>(&conn - m_conns.data());
    ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, conn.fd, &ev);
  }

  void on_event(std::uint32_t id, std::uint32_t events)
  {
    Conn& conn = m_conns[id];
    const auto now = steady::now();
    switch (conn.state) {
    case State::idle: {
      // The server closed a kept-alive connection we were not using (over
      // TLS this may also be a session ticket, which SSL_read consumes).
      if (conn.ssl != nullptr) {
        const int n = SSL_read(conn.ssl, m_buffer.data(), static_cast<int>(m_buffer.size()));
        if (n > 0 || SSL_get_error(conn.ssl, n) != SSL_ERROR_WANT_READ) {
          ERR_clear_error();
          close_conn(conn);
        }
        return;
      }
      const ssize_t n = ::recv(conn.fd, m_buffer.data(), m_buffer.size(), 0);
      if (n != -1 || errno != EAGAIN) {
        close_conn(conn);
      }
      return;
    }
    case State::connecting: {
      int so_error = 0;
      socklen_t len = sizeof so_error;
      ::getsockopt(conn.fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
      if (so_error != 0) {
        finish(id, 0, so_error == ETIMEDOUT ? ProbeError::timeout : ProbeError::connect, now);
        return;
      }
      conn.connect_ms = ms(now - conn.connect_start);
      if (m_shared.tls != nullptr) {
        start_tls(id, now);
        return;
      }
      set_events(conn, EPOLLIN);
      send_request(id, now);
      return;
    }
    case State::handshaking:
      continue_handshake(id);
      return;
    case State::writing:
      if ((events & EPOLLOUT) != 0) {
        continue_write(id);
        if (conn.state == State::reading) {
          set_events(conn, EPOLLIN);
        }
      }
      if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0 && conn.state != State::idle && conn.fd >= 0) {
        on_readable(id, now);
      }
      return;
    case State::reading:
      on_readable(id, now);
      return;
    }
  }

  void start_tls(std::uint32_t id, steady::time_point now)
  {
    Conn& conn = m_conns[id];
    conn.ssl = SSL_new(m_shared.tls);
    if (conn.ssl == nullptr || SSL_set_fd(conn.ssl, conn.fd) != 1 ||
        (!m_shared.tls_sni.empty() &&
         SSL_ctrl(conn.ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                  const_cast<char*>(m_shared.tls_sni.c_str())) != 1)) {
      ERR_clear_error();
      finish(id, 0, ProbeError::tls, now);
      return;
    }
    if (conn.session != nullptr) {
      SSL_set_session(conn.ssl, conn.session);
    }
    SSL_set_connect_state(conn.ssl);
    conn.state = State::handshaking;
    conn.tls_start = now;
    continue_handshake(id);
  }

  void continue_handshake(std::uint32_t id)
  {
    Conn& conn = m_conns[id];
    const int rc = SSL_do_handshake(conn.ssl);
    if (rc == 1) {
      const auto now = steady::now();
      conn.tls_ms = ms(now - conn.tls_start);
      set_events(conn, EPOLLIN);
      send_request(id, now);
      return;
    }
    switch (SSL_get_error(conn.ssl, rc)) {
    case SSL_ERROR_WANT_READ:
      set_events(conn, EPOLLIN);
      return;
    case SSL_ERROR_WANT_WRITE:
      set_events(conn, EPOLLOUT);
      return;
    default:
      // An unverified certificate, no common protocol, or the server hung up.
      ERR_clear_error();
      finish(id, 0, ProbeError::tls, steady::now());
    }
  }

  // Feeds the first size bytes of m_buffer (just read) to the connection's
  // response parser; true when that ended the request (a complete or an
  // unparsable response).
  bool consume(std::uint32_t id, std::size_t size, steady::time_point now)
  {
    Conn& conn = m_conns[id];
    if (!conn.parser.started()) {
      conn.first_byte = now;
    }
    const auto status = conn.parser.feed(std::string_view(m_buffer.data(), size));
    if (status == HttpResponseParser::Status::complete) {
      finish(id, conn.parser.status_code(), ProbeError::none, now);
      return true;
    }
    if (status == HttpResponseParser::Status::error) {
      finish(id, 0, ProbeError::other, now);
      return true;
    }
    return false;
  }

  // Over TLS: SSL_read until the response is complete or the socket has no
  // more (read-ahead may hold more than one record).
  void on_readable_tls(std::uint32_t id, steady::time_point now)
  {
    Conn& conn = m_conns[id];
    while (true) {
      const int n = SSL_read(conn.ssl, m_buffer.data(), static_cast<int>(m_buffer.size()));
      if (n > 0) {
        if (consume(id, static_cast<std::size_t>(n), now)) {
          return;
        }
        continue;
      }
      const int error = SSL_get_error(conn.ssl, n);
      if (error == SSL_ERROR_WANT_READ) {
        return;
      }
      if (error == SSL_ERROR_WANT_WRITE) {
        set_events(conn, EPOLLIN | EPOLLOUT);
        return;
      }
      const int saved = errno;
      ERR_clear_error();
      if (error == SSL_ERROR_ZERO_RETURN && conn.parser.feed_eof() == HttpResponseParser::Status::complete) {
        finish(id, conn.parser.status_code(), ProbeError::none, now);
        return;
      }
      connection_died(id, error == SSL_ERROR_SYSCALL && saved != 0 ? saved : ECONNRESET);
      return;
    }
  }

  void on_readable(std::uint32_t id, steady::time_point now)
  {
    Conn& conn = m_conns[id];
    if (conn.ssl != nullptr) {
      on_readable_tls(id, now);
      return;
    }
    const ssize_t n = ::recv(conn.fd, m_buffer.data(), m_buffer.size(), 0);
    if (n > 0) {
      consume(id, static_cast<std::size_t>(n), now);
      return;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      return;
    }
    if (n == 0 && conn.parser.feed_eof() == HttpResponseParser::Status::complete) {
      finish(id, conn.parser.status_code(), ProbeError::none, now);
      return;
    }
    connection_died(id, n == 0 ? ECONNRESET : errno);
  }

  // The connection failed under a request. A kept-alive connection the
  // server closed just before we reused it (nothing of the response came)
  // is retried once on a new connection, as browsers and curl do; the time
  // spent counts in the latency.
  void connection_died(std::uint32_t id, int error)
  {
    Conn& conn = m_conns[id];
    const auto now = steady::now();
    if (!conn.fresh && !conn.retried && !conn.parser.started()) {
      close_conn(conn);
      conn.retried = true;
      open_conn(id, now);
      conn.retried = true;
      return;
    }
    finish(id, 0, error == ETIMEDOUT ? ProbeError::timeout : ProbeError::reset, now);
  }

  void expire(steady::time_point now)
  {
    for (std::uint32_t id = 0; id < m_conns.size(); ++id) {
      Conn& conn = m_conns[id];
      if (conn.state != State::idle && now - conn.dispatched >= m_timeout) {
        finish(id, 0, ProbeError::timeout, now);
      }
    }
  }

  void close_conn(Conn& conn)
  {
    if (conn.ssl != nullptr) {
      // The next connection resumes this one's session (the server's ticket),
      // as wrk and libcurl do: a new connection every 1,000 requests (nginx's
      // keepalive_requests) costs an abbreviated handshake, not a full one.
      SSL_SESSION* session = SSL_get1_session(conn.ssl);
      if (session != nullptr && SSL_SESSION_is_resumable(session) == 1) {
        SSL_SESSION_free(conn.session);
        conn.session = session;
      } else {
        SSL_SESSION_free(session);
      }
      // No close_notify is sent (the connection is dropped either way), but
      // marked as shut down: SSL_free would otherwise mark the kept session
      // not resumable.
      SSL_set_shutdown(conn.ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
      SSL_free(conn.ssl);
      conn.ssl = nullptr;
    }
    if (conn.fd >= 0) {
      ::close(conn.fd); // also leaves the epoll set
      conn.fd = -1;
    }
    conn.state = State::idle;
  }

  // Records the request and hands the connection its next one.
  void finish(std::uint32_t id, int code, ProbeError error, steady::time_point now)
  {
    Conn& conn = m_conns[id];
    --m_in_flight;
    const double latency = ms(now - conn.begin);
    // A response that fails its checks is an error row, but its connection
    // is as good as any: only a transport failure (code 0) closes it.
    const bool failed = code == 0;
    if (!failed) {
      error = m_checks.check(code, conn.parser.body(), conn.parser.body_bytes());
    }
    if (conn.recorded) {
      Phases phases;
      phases.connect_ms = conn.fresh ? conn.connect_ms : 0.0;
      phases.tls_ms = conn.fresh ? conn.tls_ms : 0.0;
      phases.ttfb_ms = conn.first_byte != steady::time_point{} ? ms(conn.first_byte - conn.sent) : 0.0;
      m_recorder.record(conn.begin, latency, code, error, phases);
    }
    if (failed || conn.parser.close_after()) {
      close_conn(conn);
    } else {
      conn.state = State::idle;
    }
    // A refused connection or a failed handshake: retried after a pause.
    const bool connect_failed =
      failed && conn.fd < 0 && (error == ProbeError::connect || error == ProbeError::tls);
    if (!m_issuing) {
      m_idle.push_back(id);
      return;
    }
    if (open_loop()) {
      // After a failure the loop in issue() takes over: starting from here
      // would recurse once per queued request while connects keep failing.
      if (!failed && intended(m_next_seq) <= now) {
        const auto due = intended(m_next_seq++);
        start_request(id, due, now);
      } else {
        m_idle.push_back(id);
      }
      return;
    }
    if (connect_failed) {
      m_backoff.emplace_back(now + connect_backoff, id);
      return;
    }
    start_request(id, now, now);
  }

  int wait(std::vector<epoll_event>& events, steady::time_point now)
  {
    steady::time_point until = now + std::chrono::milliseconds(200);
    const auto consider = [&](steady::time_point t) { until = std::min(until, t); };
    if (m_issuing) {
      if (m_shared.end) {
        consider(*m_shared.end);
      }
      if (open_loop() && !m_idle.empty()) {
        consider(intended(m_next_seq));
      }
      if (!m_backoff.empty()) {
        consider(m_backoff.front().first);
      }
    }
    if (m_in_flight > 0) {
      consider(m_next_timeout_scan);
    }
    if (m_recorder.has_rows()) {
      consider(m_recorder.next_flush());
    }
    const auto left = std::max(nanoseconds(0), std::chrono::duration_cast<nanoseconds>(until - now));
    const timespec ts{static_cast<time_t>(left.count() / 1'000'000'000),
                      static_cast<long>(left.count() % 1'000'000'000)};
    int n = ::epoll_pwait2(m_epoll, events.data(), static_cast<int>(events.size()), &ts, nullptr);
    if (n < 0 && errno == ENOSYS) {
      // Kernels before 5.11: millisecond resolution, rounded up.
      n = ::epoll_wait(m_epoll, events.data(), static_cast<int>(events.size()),
                       static_cast<int>((left.count() + 999'999) / 1'000'000));
    }
    return n < 0 ? 0 : n;
  }

  Shared& m_shared;
  const LoadOptions& m_options;
  unsigned m_index;
  WorkerResult& m_result;
  Recorder m_recorder;
  std::vector<Conn> m_conns;
  ResponseChecks m_checks;
  std::vector<std::uint32_t> m_idle;
  std::vector<std::pair<steady::time_point, std::uint32_t>> m_backoff;
  std::vector<char> m_buffer;
  int m_epoll = -1;
  steady::duration m_timeout{};
  double m_period_ns = 0;
  double m_phase_ns = 0;
  std::uint64_t m_next_seq = 0;
  std::size_t m_in_flight = 0;
  bool m_issuing = true;
  steady::time_point m_next_timeout_scan{};
};

// The TLS context of an https:// run: the peer's certificate verified
// against --cacert (or the system's CAs) and its name or address checked,
// as libcurl does; --insecure verifies nothing. HTTP/1.1 only (no ALPN).
class TlsContext {
public:
  explicit TlsContext(const LoadOptions& options)
  {
    m_ctx = SSL_CTX_new(TLS_client_method());
    if (m_ctx == nullptr) {
      throw Error("OpenSSL: cannot create a TLS context");
    }
    SSL_CTX_set_min_proto_version(m_ctx, TLS1_2_VERSION);
    // A server closing without close_notify ends the response like a plain
    // EOF (SSL_ERROR_ZERO_RETURN), as over http://.
    SSL_CTX_set_options(m_ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_read_ahead(m_ctx, 1);
    if (options.insecure) {
      SSL_CTX_set_verify(m_ctx, SSL_VERIFY_NONE, nullptr);
      return;
    }
    SSL_CTX_set_verify(m_ctx, SSL_VERIFY_PEER, nullptr);
    const bool loaded = options.cacert
                          ? SSL_CTX_load_verify_locations(m_ctx, options.cacert->c_str(), nullptr) == 1
                          : SSL_CTX_set_default_verify_paths(m_ctx) == 1;
    if (!loaded) {
      ERR_clear_error();
      throw Error("cannot load the CA certificates{}",
                  options.cacert ? " from " + options.cacert->string() : std::string());
    }
    X509_VERIFY_PARAM* param = SSL_CTX_get0_param(m_ctx);
    const std::string& host = options.target.host;
    unsigned char address[16];
    const bool is_address =
      ::inet_pton(AF_INET, host.c_str(), address) == 1 || ::inet_pton(AF_INET6, host.c_str(), address) == 1;
    const int ok = is_address ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                              : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
    if (ok != 1) {
      ERR_clear_error();
      throw Error("OpenSSL: cannot check the certificate against {}", host);
    }
    if (!is_address) {
      m_sni = host;
    }
  }

  ~TlsContext() { SSL_CTX_free(m_ctx); }
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  SSL_CTX* get() const { return m_ctx; }
  const std::string& sni() const { return m_sni; }

private:
  SSL_CTX* m_ctx = nullptr;
  std::string m_sni;
};

void resolve(const Target& target, Shared& shared)
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

std::string build_request(const Target& target)
{
  const bool default_port = (target.scheme == Scheme::http && target.port == 80) ||
                            (target.scheme == Scheme::https && target.port == 443);
  const bool v6 = target.host.find(':') != std::string::npos;
  const std::string host = v6 ? "[" + target.host + "]" : target.host;
  return fmt::format("GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: smart-measure/{}\r\nAccept: */*\r\n\r\n",
                     target.path, default_port ? host : target.authority(), SMART_VERSION);
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
  Shared shared;
  shared.options = &m_options;
  shared.sink = &m_sink;
  resolve(m_options.target, shared);
  std::optional<TlsContext> tls;
  if (m_options.target.scheme == Scheme::https) {
    tls.emplace(m_options);
    shared.tls = tls->get();
    shared.tls_sni = tls->sni();
  }
  shared.request = build_request(m_options.target);
  shared.wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (shared.wake_fd < 0) {
    throw Error("eventfd: {}", std::strerror(errno));
  }
  shared.start = steady::now();
  shared.wall_offset =
    std::chrono::duration_cast<nanoseconds>(std::chrono::system_clock::now().time_since_epoch()) -
    std::chrono::duration_cast<nanoseconds>(shared.start.time_since_epoch());
  shared.measure_start = shared.start + std::chrono::duration_cast<steady::duration>(m_options.warmup);
  if (m_options.duration) {
    shared.end = shared.measure_start + std::chrono::duration_cast<steady::duration>(*m_options.duration);
  }

  const unsigned threads = std::max(1u, std::min(m_options.threads, m_options.concurrency));
  std::vector<WorkerResult> results(threads);
  for (auto& r : results) {
    r.tally = SampleTally(m_options.checks.status);
  }
  std::atomic<unsigned> running{threads};
  std::vector<std::thread> pool;
  for (unsigned i = 0; i < threads; ++i) {
    const unsigned connections =
      m_options.concurrency / threads + (i < m_options.concurrency % threads ? 1 : 0);
    pool.emplace_back([&, i, connections] {
      try {
        HttpWorker worker(shared, i, connections, results[i]);
        worker.run();
      } catch (...) {
        results[i].failure = std::current_exception();
      }
      if (running.fetch_sub(1) == 1) {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto ignored = ::write(shared.wake_fd, &one, sizeof one);
      }
    });
  }

  const auto wake_all = [&] {
    shared.stop = true;
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto ignored = ::write(shared.wake_fd, &one, sizeof one);
  };
  while (running.load() > 0) {
    pollfd fds[2] = {{m_options.stop_fd, POLLIN, 0}, {shared.wake_fd, POLLIN, 0}};
    ::poll(fds, m_options.stop_fd >= 0 ? 2 : 1, 200);
    if (m_options.stop_fd < 0) {
      ::poll(&fds[1], 1, 200);
    }
    if (fds[0].revents != 0 && m_options.stop_fd >= 0) {
      wake_all();
    }
    const auto now = steady::now();
    LoadProgress progress;
    progress.requests = shared.requests.load(std::memory_order_relaxed);
    progress.errors = shared.errors.load(std::memory_order_relaxed);
    if (now > shared.measure_start) {
      progress.rate_per_s = static_cast<double>(progress.requests) /
                            std::chrono::duration<double>(now - shared.measure_start).count();
    }
    if (!shared.stop && !on_progress(progress)) {
      wake_all();
    }
  }
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
  auto measured_end = shared.end ? std::min(finished, *shared.end) : finished;
  result.elapsed_s =
    std::max(0.0, std::chrono::duration<double>(measured_end - shared.measure_start).count());
  return result;
}

} // namespace smart

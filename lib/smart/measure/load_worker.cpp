#include <smart/measure/load_worker.hpp>

#include <smart/error.hpp>
#include <smart/measure/http_response_parser.hpp>
#include <smart/measure/target_mix.hpp>

#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
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

std::vector<double> weights_of(const std::vector<LoadRequest>& requests)
{
  std::vector<double> weights;
  for (const LoadRequest& request : requests) {
    weights.push_back(request.weight);
  }
  return weights;
}

double ms(steady::duration d)
{
  return std::chrono::duration<double, std::milli>(d).count();
}

ProbeError connect_error(int error)
{
  return error == ETIMEDOUT ? ProbeError::timeout : ProbeError::connect;
}

class HttpWorker {
public:
  HttpWorker(LoadShared& shared, unsigned index, LoadWorkerResult& result)
    : m_shared(shared), m_options(*shared.options), m_schedule(*shared.schedule), m_index(index),
      m_result(result), m_recorder(shared.output, shared.counters, result.tally),
      m_conns(m_schedule.connections(index)), m_picker(weights_of(shared.requests))
  {
    bool keep_body = false;
    for (const LoadRequest& request : shared.requests) {
      m_checks.push_back(request.checks);
      m_checks.back().load_reference();
      keep_body = keep_body || m_checks.back().needs_body();
    }
    for (auto& conn : m_conns) {
      conn.parser.keep_body(keep_body ? ResponseChecks::max_body_bytes : 0);
      conn.io = shared.transport->make();
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
    for (std::uint32_t i = 0; i < m_conns.size(); ++i) {
      m_idle.push_back(static_cast<std::uint32_t>(m_conns.size()) - 1 - i);
    }
    m_buffer.resize(64 * 1024);
  }

  ~HttpWorker()
  {
    for (auto& conn : m_conns) {
      close_conn(conn);
    }
    ::close(m_epoll);
  }

  HttpWorker(const HttpWorker&) = delete;
  HttpWorker& operator=(const HttpWorker&) = delete;

  void run()
  {
    // OpenSSL writes with write(2), not send(MSG_NOSIGNAL): a connection
    // the server closed must give EPIPE here, not kill the process.
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
    std::vector<epoll_event> events(256);
    while (true) {
      const auto now = steady::now();
      if (m_shared.stop.load(std::memory_order_relaxed)) {
        break; // a signal or the abort guard: in-flight requests are not measurements
      }
      if (m_issuing && m_schedule.end() && now >= *m_schedule.end()) {
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
        const auto& event = events[static_cast<std::size_t>(i)];
        if (event.data.u32 != wake_id) {
          on_event(event.data.u32, event.events);
        }
      }
    }
    m_recorder.flush();
  }

private:
  enum class State { idle, connecting, handshaking, writing, reading };

  struct Conn {
    int fd = -1;
    std::unique_ptr<Transport> io;
    State state = State::idle;
    bool fresh = false; // opened for the current request
    bool retried = false;
    bool recorded = false;
    std::size_t target = 0; // the request's, in LoadShared::requests
    std::size_t written = 0;
    steady::time_point begin;      // latency origin: intended (open loop) or start (closed)
    steady::time_point dispatched; // when it really started (timeout origin)
    steady::time_point connect_start, tls_start, sent, first_byte;
    double connect_ms = 0;
    double tls_ms = 0;
    HttpResponseParser parser;
  };

  bool open_loop() const { return m_schedule.open_loop(); }
  steady::time_point due(std::uint64_t seq) const { return m_schedule.due(m_index, seq); }

  void stop_issuing(steady::time_point now)
  {
    m_issuing = false;
    if (open_loop()) {
      // Due before the end but never sent (every connection was busy): the
      // summary says how many.
      const auto missed = m_schedule.not_sent(m_index, m_next_seq, now);
      m_result.not_sent += missed;
      m_next_seq += missed;
    }
  }

  void issue(steady::time_point now)
  {
    if (!m_issuing) {
      return;
    }
    if (open_loop()) {
      while (m_issuing && !m_idle.empty() && due(m_next_seq) <= now) {
        const auto id = m_idle.back();
        m_idle.pop_back();
        const auto begin = due(m_next_seq++);
        if (!start_request(id, begin, now)) {
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
    conn.recorded = m_schedule.recorded(begin);
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
    conn.target = m_picker.next();
    conn.parser.reset();
    conn.parser.head_request(m_shared.requests[conn.target].head);
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
      finish(id, 0, connect_error(errno), steady::now());
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
    const std::string& request = m_shared.requests[conn.target].request;
    while (conn.written < request.size()) {
      const IoResult r = conn.io->write(request.data() + conn.written, request.size() - conn.written);
      switch (r.status) {
      case IoStatus::done:
        conn.written += r.bytes;
        continue;
      case IoStatus::want_read:
      case IoStatus::want_write:
        set_events(conn, EPOLLIN | EPOLLOUT);
        return;
      case IoStatus::eof:
      case IoStatus::failed:
        connection_died(id, r.error != 0 ? r.error : ECONNRESET);
        return;
      }
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
    case State::idle:
      // The server closed a kept-alive connection we were not using (over
      // TLS this may also be a session ticket, which the read consumes).
      if (conn.io->read(m_buffer.data(), m_buffer.size()).status != IoStatus::want_read) {
        close_conn(conn);
      }
      return;
    case State::connecting:
      on_connected(id, now);
      return;
    case State::handshaking:
      on_handshake(id, conn.io->handshake(), steady::now());
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

  // The TCP connect ended: the transport's handshake (none for plain) next.
  void on_connected(std::uint32_t id, steady::time_point now)
  {
    Conn& conn = m_conns[id];
    int so_error = 0;
    socklen_t len = sizeof so_error;
    ::getsockopt(conn.fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
    if (so_error != 0) {
      finish(id, 0, connect_error(so_error), now);
      return;
    }
    conn.connect_ms = ms(now - conn.connect_start);
    conn.tls_start = now;
    conn.state = State::handshaking;
    const IoResult r = conn.io->connect(conn.fd);
    if (r.status == IoStatus::done && !conn.io->has_handshake()) {
      // No handshake to wait for (plain): no handshake time either.
      set_events(conn, EPOLLIN);
      send_request(id, now);
      return;
    }
    on_handshake(id, r, now);
  }

  void on_handshake(std::uint32_t id, const IoResult& r, steady::time_point now)
  {
    Conn& conn = m_conns[id];
    switch (r.status) {
    case IoStatus::done: {
      // Read the clock now: a resumed handshake can end in the very call that
      // began it (on_connected's now), and its time is still not zero.
      const auto done_at = steady::now();
      conn.tls_ms = ms(done_at - conn.tls_start);
      set_events(conn, EPOLLIN);
      send_request(id, done_at);
      return;
    }
    case IoStatus::want_read:
      set_events(conn, EPOLLIN);
      return;
    case IoStatus::want_write:
      set_events(conn, EPOLLOUT);
      return;
    case IoStatus::eof:
    case IoStatus::failed:
      finish(id, 0, ProbeError::tls, now);
      return;
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

  // Reads until the response is complete or nothing more is there without
  // waiting (the transport may hold more than the socket shows).
  void on_readable(std::uint32_t id, steady::time_point now)
  {
    Conn& conn = m_conns[id];
    while (true) {
      const IoResult r = conn.io->read(m_buffer.data(), m_buffer.size());
      switch (r.status) {
      case IoStatus::done:
        if (consume(id, r.bytes, now) || !conn.io->readable()) {
          return;
        }
        continue;
      case IoStatus::want_read:
        return;
      case IoStatus::want_write:
        set_events(conn, EPOLLIN | EPOLLOUT);
        return;
      case IoStatus::eof:
        if (conn.parser.feed_eof() == HttpResponseParser::Status::complete) {
          finish(id, conn.parser.status_code(), ProbeError::none, now);
          return;
        }
        connection_died(id, ECONNRESET);
        return;
      case IoStatus::failed:
        connection_died(id, r.error);
        return;
      }
    }
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
    conn.io->close();
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
    // A response that fails its checks is an error row, but its connection
    // is as good as any: only a transport failure (code 0) closes it.
    const bool failed = code == 0;
    if (!failed) {
      error = m_checks[conn.target].check(code, conn.parser.body(), conn.parser.body_bytes());
    }
    if (conn.recorded) {
      Phases phases;
      phases.connect_ms = conn.fresh ? conn.connect_ms : 0.0;
      phases.tls_ms = conn.fresh ? conn.tls_ms : 0.0;
      phases.ttfb_ms = conn.first_byte != steady::time_point{} ? ms(conn.first_byte - conn.sent) : 0.0;
      m_recorder.record(conn.begin, ms(now - conn.begin), code, error, phases,
                        m_shared.requests[conn.target].url, &m_checks[conn.target].status);
    }
    if (failed || conn.parser.close_after()) {
      close_conn(conn);
    } else {
      conn.state = State::idle;
    }
    // A refused connection or a failed handshake: retried after a pause.
    const bool connect_failed =
      failed && conn.fd < 0 && (error == ProbeError::connect || error == ProbeError::tls);
    next_request(id, failed, connect_failed, now);
  }

  void next_request(std::uint32_t id, bool failed, bool connect_failed, steady::time_point now)
  {
    if (!m_issuing) {
      m_idle.push_back(id);
      return;
    }
    if (open_loop()) {
      // After a failure the loop in issue() takes over: starting from here
      // would recurse once per queued request while connects keep failing.
      if (!failed && due(m_next_seq) <= now) {
        const auto begin = due(m_next_seq++);
        start_request(id, begin, now);
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
      if (m_schedule.end()) {
        consider(*m_schedule.end());
      }
      if (open_loop() && !m_idle.empty()) {
        consider(due(m_next_seq));
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

  LoadShared& m_shared;
  const LoadOptions& m_options;
  const LoadSchedule& m_schedule;
  unsigned m_index;
  LoadWorkerResult& m_result;
  LoadRecorder m_recorder;
  std::vector<Conn> m_conns;
  MixPicker m_picker;                   // which target each request goes to
  std::vector<ResponseChecks> m_checks; // per target, this thread's copies
  std::vector<std::uint32_t> m_idle;
  std::vector<std::pair<steady::time_point, std::uint32_t>> m_backoff;
  std::vector<char> m_buffer;
  int m_epoll = -1;
  steady::duration m_timeout{};
  std::uint64_t m_next_seq = 0;
  std::size_t m_in_flight = 0;
  bool m_issuing = true;
  steady::time_point m_next_timeout_scan{};
};

} // namespace

void run_load_worker(LoadShared& shared, unsigned index, LoadWorkerResult& result)
{
  HttpWorker worker(shared, index, result);
  worker.run();
}

} // namespace smart

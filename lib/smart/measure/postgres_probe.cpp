#include <smart/measure/postgres_probe.hpp>
#include <smart/measure/socket_probe.hpp>

#include <smart/error.hpp>
#include <smart/util/strings.hpp>

#include <libpq-fe.h>

#include <poll.h>

#include <chrono>
#include <optional>

namespace smart {

namespace {

[[noreturn]] void bad(std::string_view url, std::string_view why)
{
  throw UsageError("--url '{}': {}", util::printable(url, 200), why);
}

int hex_digit(char c)
{
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

std::optional<std::string> percent_decode(std::string_view text)
{
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) {
      return std::nullopt;
    }
    const int high = hex_digit(text[i + 1]);
    const int low = hex_digit(text[i + 2]);
    if (high < 0 || low < 0) {
      return std::nullopt;
    }
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

// The trimmed message of libpq (its messages end in a newline).
std::string message_of(const char* text)
{
  std::string message = text != nullptr ? text : "";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  for (auto& c : message) {
    c = c == '\n' ? ' ' : c;
  }
  return message;
}

// libpq reports a failed connect as text only.
ProbeError classify_connect_failure(const std::string& message)
{
  if (message.find("could not translate host name") != std::string::npos) {
    return ProbeError::dns;
  }
  if (message.find("timeout expired") != std::string::npos) {
    return ProbeError::timeout;
  }
  if (message.find("SSL") != std::string::npos) {
    return ProbeError::tls;
  }
  if (message.find("server closed the connection") != std::string::npos ||
      message.find("Connection reset") != std::string::npos) {
    return ProbeError::reset;
  }
  if (message.find("Connection refused") != std::string::npos ||
      message.find("could not connect") != std::string::npos ||
      message.find("No route to host") != std::string::npos ||
      message.find("Network is unreachable") != std::string::npos ||
      message.find("No such file or directory") != std::string::npos) {
    return ProbeError::connect;
  }
  return ProbeError::other; // authentication, no such database or role, ...
}

double ms_since(std::chrono::steady_clock::time_point from)
{
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - from).count();
}

class PostgresProber final : public Prober {
public:
  PostgresProber(const Target& target, const ProbeOptions& options)
    : m_options(options), m_request(postgres_request(target.url))
  {
  }

  ~PostgresProber() override { drop(); }
  PostgresProber(const PostgresProber&) = delete;
  PostgresProber& operator=(const PostgresProber&) = delete;

  ProbeResult probe() override
  {
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    const auto deadline = start + std::chrono::duration_cast<clock::duration>(m_options.timeout);
    ProbeResult result;
    if (m_options.fresh_connection) {
      drop();
    }
    if (m_conn == nullptr) {
      const bool connected = connect(deadline, result);
      result.phases.connect_ms = ms_since(start);
      if (!connected) {
        drop();
        result.latency_ms = ms_since(start);
        return result;
      }
    }
    query(deadline, result);
    if (result.error != ProbeError::none || PQstatus(m_conn) != CONNECTION_OK) {
      // A query error leaves a usable connection, but a fresh one after any
      // failure keeps one bad state from spreading over later probes.
      drop();
    }
    result.latency_ms = ms_since(start);
    return result;
  }

private:
  void drop()
  {
    if (m_conn != nullptr) {
      PQfinish(m_conn);
      m_conn = nullptr;
    }
  }

  // Waits until libpq's socket is ready for EVENTS; false (result set) on
  // timeout, a stop request or a poll error.
  bool wait(short events, std::chrono::steady_clock::time_point deadline, ProbeResult& result)
  {
    return wait_socket(PQsocket(m_conn), events, deadline, m_options, result);
  }

  bool connect(std::chrono::steady_clock::time_point deadline, ProbeResult& result)
  {
    m_conn = PQconnectStart(m_request.conninfo.c_str());
    if (m_conn == nullptr) {
      result.error = ProbeError::other;
      result.detail = "libpq: out of memory";
      return false;
    }
    PostgresPollingStatusType status = PGRES_POLLING_WRITING;
    while (PQstatus(m_conn) != CONNECTION_BAD) {
      if (status == PGRES_POLLING_OK) {
        return true;
      }
      if (status == PGRES_POLLING_FAILED) {
        break;
      }
      if (!wait(status == PGRES_POLLING_READING ? POLLIN : POLLOUT, deadline, result)) {
        return false;
      }
      status = PQconnectPoll(m_conn);
    }
    result.detail = message_of(PQerrorMessage(m_conn));
    result.error = classify_connect_failure(result.detail);
    return false;
  }

  void query(std::chrono::steady_clock::time_point deadline, ProbeResult& result)
  {
    if (PQsendQuery(m_conn, m_request.query.c_str()) == 0) {
      result.error = ProbeError::reset;
      result.detail = message_of(PQerrorMessage(m_conn));
      return;
    }
    std::string failure;
    while (true) {
      while (PQisBusy(m_conn) != 0) {
        if (!wait(POLLIN, deadline, result)) {
          cancel();
          return;
        }
        if (PQconsumeInput(m_conn) == 0) {
          result.error = ProbeError::reset;
          result.detail = message_of(PQerrorMessage(m_conn));
          return;
        }
      }
      PGresult* answer = PQgetResult(m_conn);
      if (answer == nullptr) {
        break;
      }
      const auto status = PQresultStatus(answer);
      if (status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE || status == PGRES_NONFATAL_ERROR) {
        failure = message_of(PQresultErrorMessage(answer));
      }
      PQclear(answer);
    }
    if (PQstatus(m_conn) != CONNECTION_OK) {
      result.error = ProbeError::reset;
      result.detail = failure.empty() ? message_of(PQerrorMessage(m_conn)) : failure;
      return;
    }
    if (!failure.empty()) {
      result.error = ProbeError::other;
      result.detail = failure;
      return;
    }
    result.response_code = 200;
  }

  // A query past its deadline is cancelled on the server too (else it runs
  // on); the connection is dropped by the caller.
  void cancel()
  {
    if (PGcancel* handle = PQgetCancel(m_conn); handle != nullptr) {
      char message[256];
      (void)PQcancel(handle, message, sizeof message);
      PQfreeCancel(handle);
    }
  }

  ProbeOptions m_options;
  PostgresRequest m_request;
  PGconn* m_conn = nullptr;
};

} // namespace

PostgresRequest postgres_request(std::string_view url)
{
  PostgresRequest request;
  const auto question = url.find('?');
  request.conninfo = std::string(url.substr(0, question));
  std::optional<std::string> query;
  if (question != std::string_view::npos) {
    std::string rest;
    std::string_view params = url.substr(question + 1);
    while (!params.empty()) {
      const auto amp = params.find('&');
      const auto param = params.substr(0, amp);
      params = amp == std::string_view::npos ? std::string_view{} : params.substr(amp + 1);
      if (util::starts_with(param, "query=")) {
        query = percent_decode(param.substr(6));
        if (!query) {
          bad(url, "query: a '%' not followed by two hex digits (write a space as %20)");
        }
        continue;
      }
      if (!param.empty()) {
        rest += (rest.empty() ? "" : "&") + std::string(param);
      }
    }
    if (!rest.empty()) {
      request.conninfo += "?" + rest;
    }
  }
  request.query = query.value_or("SELECT 1");
  if (request.query.find_first_not_of(" \t\r\n;") == std::string::npos) {
    bad(url, "empty query");
  }
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(request.conninfo.c_str(), &error);
  if (parsed == nullptr) {
    const std::string why = message_of(error);
    PQfreemem(error);
    bad(url, "libpq: " + (why.empty() ? std::string("cannot parse the URL") : why));
  }
  for (const PQconninfoOption* option = parsed; option->keyword != nullptr; ++option) {
    if (std::string_view(option->keyword) == "password" && option->val != nullptr) {
      PQconninfoFree(parsed);
      bad(url,
          "a password in the URL would show in process lists and logs; give it in PGPASSFILE or PGPASSWORD");
    }
  }
  PQconninfoFree(parsed);
  return request;
}

std::unique_ptr<Prober> make_postgres_prober(const Target& target, const ProbeOptions& options)
{
  return std::make_unique<PostgresProber>(target, options);
}

} // namespace smart

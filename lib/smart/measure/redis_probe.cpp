#include <smart/measure/redis_probe.hpp>
#include <smart/measure/socket_probe.hpp>
#include <smart/util/failure.hpp>

#include <fmt/format.h>

#include <netdb.h>
#include <poll.h>
#include <unistd.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>

namespace smart {

std::vector<std::string> redis_command(std::string_view path)
{
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto word =
      path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (!word.empty()) {
      words.emplace_back(word);
    }
    if (slash == std::string_view::npos) {
      break;
    }
    start = slash + 1;
  }
  if (words.empty()) {
    words.emplace_back("PING");
  }
  return words;
}

std::string resp_encode(const std::vector<std::string>& words)
{
  std::string out = fmt::format("*{}\r\n", words.size());
  for (const auto& word : words) {
    out += fmt::format("${}\r\n{}\r\n", word.size(), word);
  }
  return out;
}

namespace {

// The length of the complete reply starting at POS, or 0 when incomplete.
std::size_t complete_at(std::string_view buffer, std::size_t pos, int depth)
{
  if (depth > 32) {
    throw util::Failure("RESP reply nested too deeply");
  }
  const auto eol = buffer.find("\r\n", pos);
  if (eol == std::string_view::npos) {
    return 0;
  }
  if (pos >= buffer.size()) {
    return 0;
  }
  const char type = buffer[pos];
  const auto line_end = eol + 2;
  auto number = [&]() {
    long long n = 0;
    const auto text = buffer.substr(pos + 1, eol - pos - 1);
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || ptr != text.data() + text.size() || n < -1 || n > 512LL * 1024 * 1024) {
      throw util::Failure(fmt::format("RESP reply: bad length '{}'", text.substr(0, 20)));
    }
    return n;
  };
  switch (type) {
  case '+':
  case '-':
  case ':':
    return line_end - pos;
  case '$': {
    const auto n = number();
    if (n < 0) {
      return line_end - pos;
    }
    const auto end = line_end + static_cast<std::size_t>(n) + 2;
    return buffer.size() >= end ? end - pos : 0;
  }
  case '*': {
    const auto n = number();
    auto at = line_end;
    for (long long i = 0; i < n; ++i) {
      const auto len = complete_at(buffer, at, depth + 1);
      if (len == 0) {
        return 0;
      }
      at += len;
    }
    return at - pos;
  }
  default:
    throw util::Failure(fmt::format("not a RESP reply (starts with byte {})", static_cast<int>(type)));
  }
}

double ms_since(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to)
{
  return std::chrono::duration<double, std::milli>(to - from).count();
}

class RedisProber final : public Prober {
public:
  RedisProber(const Target& target, const ProbeOptions& options)
    : m_target(target), m_options(options), m_request(resp_encode(redis_command(target.path)))
  {
  }

  ProbeResult probe() override
  {
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    const auto deadline = start + std::chrono::duration_cast<clock::duration>(m_options.timeout);
    ProbeResult result;
    const int fd = connect_target(m_target, deadline, m_options, result);
    if (fd >= 0) {
      exchange(fd, deadline, result);
      ::close(fd);
    }
    result.latency_ms = ms_since(start, clock::now());
    return result;
  }

private:
  void exchange(int fd, std::chrono::steady_clock::time_point deadline, ProbeResult& result)
  {
    std::size_t sent = 0;
    while (sent < m_request.size()) {
      const auto n = ::send(fd, m_request.data() + sent, m_request.size() - sent, MSG_NOSIGNAL);
      if (n > 0) {
        sent += static_cast<std::size_t>(n);
      } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        if (!wait_socket(fd, POLLOUT, deadline, m_options, result)) {
          return;
        }
      } else {
        set_socket_error(errno, result);
        return;
      }
    }
    std::string reply;
    char buf[4096];
    while (true) {
      std::size_t length = 0;
      try {
        length = resp_complete(reply);
      } catch (const util::Failure& e) {
        result.error = ProbeError::other;
        result.detail = e.what();
        return;
      }
      if (length > 0) {
        break;
      }
      if (!wait_socket(fd, POLLIN, deadline, m_options, result)) {
        return;
      }
      const auto n = ::recv(fd, buf, sizeof buf, 0);
      if (n > 0) {
        reply.append(buf, static_cast<std::size_t>(n));
      } else if (n == 0) {
        result.error = ProbeError::reset;
        result.detail = "connection closed before the reply was complete";
        return;
      } else if (errno != EAGAIN && errno != EINTR) {
        set_socket_error(errno, result);
        return;
      }
    }
    if (reply.front() == '-') {
      result.error = ProbeError::other;
      result.detail = reply.substr(1, reply.find('\r') - 1);
      return;
    }
    result.error = ProbeError::none;
    result.response_code = 200;
  }

  Target m_target;
  ProbeOptions m_options;
  std::string m_request;
};

} // namespace

std::size_t resp_complete(std::string_view buffer)
{
  if (buffer.empty()) {
    return 0;
  }
  return complete_at(buffer, 0, 0);
}

std::unique_ptr<Prober> make_redis_prober(const Target& target, const ProbeOptions& options)
{
  return std::make_unique<RedisProber>(target, options);
}

} // namespace smart
